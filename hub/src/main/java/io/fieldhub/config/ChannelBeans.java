package io.fieldhub.config;

import io.fieldhub.notify.NotificationOutbox;
import io.fieldhub.notify.channel.SendFailures;
import io.fieldhub.notify.email.AlertEmailComposer;
import io.fieldhub.notify.email.SmtpErrors;
import io.fieldhub.notify.sms.AlertSmsComposer;
import io.fieldhub.notify.sms.SmppErrors;
import io.fieldhub.notify.sms.SmsReceipts;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The beans the email and SMS channel routes ({@code routes/notify-email.camel.yaml}, {@code notify-sms}) call. */
@Configuration(proxyBeanMethods = false)
class ChannelBeans {

    @Bean
    AlertEmailComposer alertEmailComposer(HubProperties hub) {
        return new AlertEmailComposer(hub.publicUrl());
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
