package io.fieldhub.notify.email;

import jakarta.mail.SendFailedException;
import jakarta.mail.internet.AddressException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * Which SMTP failures are final. A 5xx reply (RFC 5321: permanent negative completion) to the recipient, the sender
 * or the message, and an address that is not one, will fail the same way every time; 4xx replies, refused or lost
 * connections, timeouts and failed logins are outages or configuration to fix, and are retried.
 */
public final class SmtpErrors {

    private SmtpErrors() {}

    /** For one exception of a cause chain (each is asked in turn). */
    public static boolean isPermanent(Throwable error) {
        if (error instanceof AddressException) {
            return true;
        }
        if (error instanceof SMTPAddressFailedException refused) {
            return refused.getReturnCode() >= 500;
        }
        if (error instanceof SMTPSendFailedException refused) {
            return refused.getReturnCode() >= 500;
        }
        // "Invalid Addresses" with no reply code of its own: its nested SMTPAddressFailedException decides
        return error instanceof SendFailedException failed
                && failed.getNextException() == null
                && failed.getInvalidAddresses() != null
                && failed.getInvalidAddresses().length > 0;
    }
}
