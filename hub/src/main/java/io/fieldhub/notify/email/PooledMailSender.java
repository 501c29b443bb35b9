package io.fieldhub.notify.email;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Date;
import java.util.Properties;
import org.apache.camel.component.mail.DefaultJavaMailSender;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert email route's SMTP client ({@code javaMailSender} of the {@code smtp} endpoint in
 * routes/notify-email.camel.yaml): sends over SMTP connections kept open between emails, instead of Camel's default
 * of a connection per email (TCP, greeting, EHLO, STARTTLS and AUTH every time: 45 ms against the test server, more
 * over TLS to a real one). A connection is checked with NOOP before it is used, so one the server closed meanwhile is
 * replaced, not failed with; a send that fails discards its connection, and the failure goes to the route as before
 * (the outbox retries it). Nothing is resent here. Idle connections close after {@link #IDLE}.
 */
public class PooledMailSender extends DefaultJavaMailSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PooledMailSender.class);
    /** The email route sends a batch in parallel; a relay may limit connections per client. */
    static final int MAX_CONNECTIONS = 4;
    /** Under the five minutes after which SMTP servers may close an idle connection (RFC 5321, 4.5.3.2.7). */
    static final Duration IDLE = Duration.ofSeconds(60);

    private final GenericObjectPool<Transport> connections;

    /**
     * @param timeout connect, read and write timeout of an SMTP connection
     */
    public PooledMailSender(
            String host,
            int port,
            String username,
            String password,
            boolean starttls,
            Duration timeout,
            MeterRegistry meters) {
        setProtocol("smtp");
        setHost(host);
        setPort(port);
        setUsername(username);
        setPassword(password);
        Properties properties = new Properties();
        properties.setProperty("mail.smtp.connectiontimeout", Long.toString(timeout.toMillis()));
        properties.setProperty("mail.smtp.timeout", Long.toString(timeout.toMillis()));
        properties.setProperty("mail.smtp.writetimeout", Long.toString(timeout.toMillis()));
        properties.setProperty("mail.smtp.auth", Boolean.toString(username != null && !username.isBlank()));
        properties.setProperty("mail.smtp.starttls.enable", Boolean.toString(starttls));
        properties.setProperty("mail.smtp.starttls.required", Boolean.toString(starttls));
        setJavaMailProperties(properties);

        GenericObjectPoolConfig<Transport> config = new GenericObjectPoolConfig<>();
        config.setMaxTotal(MAX_CONNECTIONS);
        config.setMaxIdle(MAX_CONNECTIONS);
        config.setMaxWait(timeout);
        config.setTestOnBorrow(true);
        config.setMinEvictableIdleDuration(IDLE);
        config.setTimeBetweenEvictionRuns(IDLE.dividedBy(2));
        config.setJmxEnabled(false);
        connections = new GenericObjectPool<>(new Connections(), config);
        FunctionCounter.builder("fieldhub.mail.connections.opened", connections, GenericObjectPool::getCreatedCount)
                .description("SMTP connections opened for alert email")
                .register(meters);
        Gauge.builder("fieldhub.mail.connections.open", connections, p -> p.getNumActive() + p.getNumIdle())
                .description("SMTP connections open now")
                .register(meters);
    }

    @Override
    public void send(MimeMessage message) throws MessagingException {
        Transport transport;
        try {
            transport = connections.borrowObject();
        } catch (MessagingException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new MessagingException("no SMTP connection to " + getHost() + ":" + getPort(), e);
        }
        boolean sent = false;
        try {
            if (message.getSentDate() == null) {
                message.setSentDate(new Date());
            }
            // saveChanges() makes a new Message-ID; the composer's (the thread of the alert's emails) must stay
            String messageId = message.getMessageID();
            message.saveChanges();
            if (messageId != null) {
                message.setHeader("Message-ID", messageId);
            }
            transport.sendMessage(message, message.getAllRecipients());
            sent = true;
        } finally {
            if (sent) {
                connections.returnObject(transport);
            } else {
                discard(transport);
            }
        }
    }

    private void discard(Transport transport) {
        try {
            connections.invalidateObject(transport);
        } catch (Exception e) {
            LOG.debug("SMTP connection to {}:{} already gone", getHost(), getPort(), e);
        }
    }

    /** Closes the open connections (the hub is stopping). */
    @Override
    public void close() {
        connections.close();
    }

    /** Opens, checks and closes the pool's SMTP connections. */
    private final class Connections extends BasePooledObjectFactory<Transport> {

        @Override
        public Transport create() throws MessagingException {
            Transport transport = getTransport(getSession());
            var credentials = getPasswordAuthentication();
            transport.connect(getHost(), getPort(), credentials.getUserName(), credentials.getPassword());
            return transport;
        }

        @Override
        public PooledObject<Transport> wrap(Transport transport) {
            return new DefaultPooledObject<>(transport);
        }

        /** NOOP: false when the server has closed the connection meanwhile. */
        @Override
        public boolean validateObject(PooledObject<Transport> pooled) {
            return pooled.getObject().isConnected();
        }

        @Override
        public void destroyObject(PooledObject<Transport> pooled) {
            try {
                pooled.getObject().close();
            } catch (MessagingException e) {
                LOG.debug("closing an SMTP connection to {}:{}", getHost(), getPort(), e);
            }
        }
    }
}
