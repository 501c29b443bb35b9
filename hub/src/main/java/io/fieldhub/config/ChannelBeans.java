package io.fieldhub.config;

import io.fieldhub.notify.NotificationOutbox;
import io.fieldhub.notify.channel.SendFailures;
import io.fieldhub.notify.email.AlertEmailComposer;
import io.fieldhub.notify.email.PooledMailSender;
import io.fieldhub.notify.email.SmtpErrors;
import io.fieldhub.notify.sms.AlertSmsComposer;
import io.fieldhub.notify.sms.SmppErrors;
import io.fieldhub.notify.sms.SmsReceipts;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The beans the email and SMS channel routes ({@code routes/notify-email.camel.yaml}, {@code notify-sms}) call. */
@Configuration(proxyBeanMethods = false)
class ChannelBeans {

    @Bean
    AlertEmailComposer alertEmailComposer(HubProperties hub) {
        return new AlertEmailComposer(hub.publicUrl());
    }

    /** The email route's SMTP client: connections kept open between emails. */
    @Bean
    PooledMailSender alertMailSender(
            HubProperties hub,
            MeterRegistry meters,
            @Value("${camel.component.mail.connection-timeout:10000}") long timeoutMillis) {
        HubProperties.Mail mail = hub.mail();
        return new PooledMailSender(
                mail.host(),
                mail.port(),
                mail.username(),
                mail.password(),
                mail.starttls(),
                Duration.ofMillis(timeoutMillis),
                meters);
    }

    @Bean
    SendFailures emailFailures(NotificationOutbox notificationOutbox) {
        return new SendFailures(notificationOutbox, "email", SmtpErrors::isPermanent);
    }

    @Bean
    AlertSmsComposer smsComposer() {
        return new AlertSmsComposer();
    }

    @Bean
    SendFailures smsFailures(NotificationOutbox notificationOutbox) {
        return new SendFailures(notificationOutbox, "sms", SmppErrors::isPermanent);
    }

    @Bean
    SmsReceipts smsReceipts(NotificationOutbox notificationOutbox, Clock clock) {
        return new SmsReceipts(notificationOutbox, clock);
    }
}
