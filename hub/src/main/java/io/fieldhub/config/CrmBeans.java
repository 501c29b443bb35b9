package io.fieldhub.config;

import io.fieldhub.notify.NotificationOutbox;
import io.fieldhub.notify.crm.CaseComposer;
import io.fieldhub.notify.crm.CaseOutcome;
import io.fieldhub.notify.crm.CrmProperties;
import io.fieldhub.notify.crm.SalesforceConnection;
import org.apache.camel.component.salesforce.SalesforceComponent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The beans {@code routes/notify-crm.camel.yaml} calls, and the {@code salesforce} component it sends with, built
 * from {@code hub.crm.*}. The component is there even while the CRM is off: it logs in lazily, so it neither needs
 * credentials nor reaches Salesforce until the route runs (Camel's default component would refuse to start without
 * them).
 */
@Configuration(proxyBeanMethods = false)
class CrmBeans {

    @Bean("salesforce")
    SalesforceComponent salesforce(CrmProperties crm) {
        return SalesforceConnection.component(crm);
    }

    @Bean
    SalesforceConnection salesforceConnection(SalesforceComponent salesforce) {
        return new SalesforceConnection(salesforce);
    }

    @Bean
    CaseComposer crmCase(CrmProperties crm) {
        return new CaseComposer(crm);
    }

    @Bean
    CaseOutcome crmOutcome(NotificationOutbox notificationOutbox) {
        return new CaseOutcome(notificationOutbox);
    }
}
