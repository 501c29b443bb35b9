package io.fieldhub.routes;

import java.io.IOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.jsmpp.bean.BroadcastSm;
import org.jsmpp.bean.CancelBroadcastSm;
import org.jsmpp.bean.CancelSm;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliveryReceipt;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GSMSpecificFeature;
import org.jsmpp.bean.MessageMode;
import org.jsmpp.bean.MessageType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.QueryBroadcastSm;
import org.jsmpp.bean.QuerySm;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.ReplaceSm;
import org.jsmpp.bean.SubmitMulti;
import org.jsmpp.bean.SubmitSm;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BindRequest;
import org.jsmpp.session.BroadcastSmResult;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.QueryBroadcastSmResult;
import org.jsmpp.session.QuerySmResult;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.SMPPServerSessionListener;
import org.jsmpp.session.ServerMessageReceiverListener;
import org.jsmpp.session.Session;
import org.jsmpp.session.SubmitMultiResult;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.util.DeliveryReceiptState;
import org.jsmpp.util.MessageId;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.test.util.TestSocketUtils;

/**
 * An SMSC in the test's JVM (jSMPP's server side): accepts binds of one system id and password, answers each
 * submit_sm with a new message id and records it, refuses destinations it is told to refuse, and sends delivery
 * receipts on request. It listens on a free local port from before each test to after it:
 * {@code @RegisterExtension final TestSmsc smsc = new TestSmsc(...)}. {@link #stop()} closes the listener and every
 * bound session, as an SMSC that goes down; {@link #start()} listens again on the same port, with no record of what
 * was submitted before.
 */
public final class TestSmsc implements BeforeEachCallback, AfterEachCallback {

    /** SMPP 3.4 command_status: invalid destination address. */
    static final int ESME_RINVDSTADR = 0x0B;

    /** One submit_sm as the SMSC received it. */
    public record Submitted(
            String messageId,
            String destination,
            byte destTon,
            byte destNpi,
            String source,
            byte sourceTon,
            byte esmClass,
            byte registeredDelivery,
            byte dataCoding,
            byte[] shortMessage,
            SMPPServerSession session) {

        boolean concatenated() {
            return (esmClass & GSMSpecificFeature.UDHI.value()) != 0;
        }

        /** The text: the short message less its user data header, if it has one. */
        public String text() {
            byte[] data = concatenated()
                    ? Arrays.copyOfRange(shortMessage, shortMessage[0] + 1, shortMessage.length)
                    : shortMessage;
            return new String(data, StandardCharsets.ISO_8859_1);
        }

        /** The user data header: length, IEI 00 (concatenation, 8-bit reference), IE length, reference, total, part. */
        byte[] udh() {
            return Arrays.copyOfRange(shortMessage, 0, shortMessage[0] + 1);
        }
    }

    public final int port;
    private final String systemId;
    private final String password;
    private final Set<String> refused;
    private final AtomicLong ids = new AtomicLong(7000);
    private final List<Submitted> submitted = new CopyOnWriteArrayList<>();
    private final List<SMPPServerSession> sessions = new CopyOnWriteArrayList<>();
    private volatile SMPPServerSessionListener listener;
    private volatile Thread acceptor;

    /** @param refused destination addresses (without "+") answered with ESME_RINVDSTADR */
    public TestSmsc(String systemId, String password, Set<String> refused) {
        this.port = TestSocketUtils.findAvailableTcpPort();
        this.systemId = systemId;
        this.password = password;
        this.refused = refused;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        stop();
    }

    public void start() throws IOException {
        submitted.clear();
        var server = new SMPPServerSessionListener(port);
        server.setMessageReceiverListener(new Receiver());
        listener = server;
        acceptor = new Thread(() -> accept(server), "test-smsc-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept(SMPPServerSessionListener server) {
        while (listener == server) {
            try {
                SMPPServerSession session = server.accept();
                BindRequest bind = session.waitForBind(5000);
                if (bind.getSystemId().equals(systemId) && bind.getPassword().equals(password)) {
                    bind.accept(systemId);
                    sessions.add(session);
                } else {
                    bind.reject(0x0E); // ESME_RINVPASWD
                }
            } catch (SocketException closed) {
                return;
            } catch (Exception e) {
                if (listener != server) {
                    return;
                }
            }
        }
    }

    /** Down: no more connections, and every bound session cut. */
    public void stop() {
        SMPPServerSessionListener server = listener;
        listener = null;
        if (server != null) {
            try {
                server.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        sessions.forEach(SMPPServerSession::close);
        sessions.clear();
    }

    public List<Submitted> submitted() {
        return List.copyOf(submitted);
    }

    List<Submitted> to(String destination) {
        return submitted.stream()
                .filter(s -> s.destination().equals(destination))
                .toList();
    }

    int boundSessions() {
        return (int)
                sessions.stream().filter(s -> s.getSessionState().isBound()).count();
    }

    /** Sends the delivery receipt for a submitted message over the session that submitted it. */
    void receipt(Submitted message, DeliveryReceiptState state) throws Exception {
        Date now = new Date();
        var receipt = new DeliveryReceipt(
                message.messageId(),
                1,
                state == DeliveryReceiptState.DELIVRD ? 1 : 0,
                now,
                now,
                state,
                "000",
                message.text());
        message.session()
                .deliverShortMessage(
                        "",
                        TypeOfNumber.INTERNATIONAL,
                        NumberingPlanIndicator.ISDN,
                        message.destination(),
                        TypeOfNumber.valueOf(message.sourceTon()),
                        NumberingPlanIndicator.UNKNOWN,
                        message.source(),
                        new ESMClass(MessageMode.DEFAULT, MessageType.SMSC_DEL_RECEIPT, GSMSpecificFeature.DEFAULT),
                        (byte) 0,
                        (byte) 0,
                        new RegisteredDelivery(0),
                        DataCodings.ZERO,
                        receipt.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private final class Receiver implements ServerMessageReceiverListener {

        @Override
        public SubmitSmResult onAcceptSubmitSm(SubmitSm sm, SMPPServerSession source) throws ProcessRequestException {
            if (refused.contains(sm.getDestAddress())) {
                throw new ProcessRequestException("invalid destination address", ESME_RINVDSTADR);
            }
            try {
                var id = new MessageId(String.valueOf(ids.incrementAndGet()));
                submitted.add(new Submitted(
                        id.getValue(),
                        sm.getDestAddress(),
                        sm.getDestAddrTon(),
                        sm.getDestAddrNpi(),
                        sm.getSourceAddr(),
                        sm.getSourceAddrTon(),
                        sm.getEsmClass(),
                        sm.getRegisteredDelivery(),
                        sm.getDataCoding(),
                        sm.getShortMessage(),
                        source));
                return new SubmitSmResult(id, new org.jsmpp.bean.OptionalParameter[0]);
            } catch (Exception e) {
                throw new ProcessRequestException(e.getMessage(), 0x08);
            }
        }

        @Override
        public SubmitMultiResult onAcceptSubmitMulti(SubmitMulti sm, SMPPServerSession source)
                throws ProcessRequestException {
            throw new ProcessRequestException("not supported", 0x03);
        }

        @Override
        public QuerySmResult onAcceptQuerySm(QuerySm sm, SMPPServerSession source) throws ProcessRequestException {
            throw new ProcessRequestException("not supported", 0x03);
        }

        @Override
        public void onAcceptReplaceSm(ReplaceSm sm, SMPPServerSession source) throws ProcessRequestException {
            throw new ProcessRequestException("not supported", 0x03);
        }

        @Override
        public void onAcceptCancelSm(CancelSm sm, SMPPServerSession source) throws ProcessRequestException {
            throw new ProcessRequestException("not supported", 0x03);
        }

        @Override
        public BroadcastSmResult onAcceptBroadcastSm(BroadcastSm sm, SMPPServerSession source)
                throws ProcessRequestException {
            throw new ProcessRequestException("not supported", 0x03);
        }

        @Override
        public void onAcceptCancelBroadcastSm(CancelBroadcastSm sm, SMPPServerSession source)
                throws ProcessRequestException {
            throw new ProcessRequestException("not supported", 0x03);
        }

        @Override
        public QueryBroadcastSmResult onAcceptQueryBroadcastSm(QueryBroadcastSm sm, SMPPServerSession source)
                throws ProcessRequestException {
            throw new ProcessRequestException("not supported", 0x03);
        }

        @Override
        public DataSmResult onAcceptDataSm(DataSm sm, Session source) throws ProcessRequestException {
            throw new ProcessRequestException("not supported", 0x03);
        }
    }
}
