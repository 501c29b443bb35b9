package io.fieldhub.routes;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.test.util.TestSocketUtils;

/**
 * An SMTP server (GreenMail) on a free local port, fresh for each test:
 * {@code @RegisterExtension static final TestSmtp smtp = new TestSmtp();}. {@link #stop()} is an outage;
 * {@link #start()} brings it back on the same port, with an empty inbox.
 */
final class TestSmtp extends GreenMailExtension {

    private final int port;

    TestSmtp() {
        this(TestSocketUtils.findAvailableTcpPort());
    }

    private TestSmtp(int port) {
        super(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        this.port = port;
    }

    int port() {
        return port;
    }

    /** How many emails arrived with each Message-ID: a count above one is an email sent twice. */
    Map<String, Long> countsByMessageId() {
        return Arrays.stream(getReceivedMessages())
                .collect(Collectors.groupingBy(TestSmtp::messageId, Collectors.counting()));
    }

    static String messageId(MimeMessage email) {
        try {
            return email.getMessageID();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
