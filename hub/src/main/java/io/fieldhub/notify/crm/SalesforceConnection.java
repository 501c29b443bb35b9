package io.fieldhub.notify.crm;

import org.apache.camel.component.salesforce.AuthenticationType;
import org.apache.camel.component.salesforce.SalesforceComponent;
import org.apache.camel.component.salesforce.SalesforceEndpointConfig;
import org.apache.camel.component.salesforce.api.SalesforceException;
import org.apache.camel.component.salesforce.internal.SalesforceSession;
import org.apache.camel.support.jsse.KeyStoreParameters;

/**
 * The hub's connection to a Salesforce org: the camel-salesforce component (bean {@code salesforce}) configured from
 * {@code hub.crm.*}, and the OAuth login the route makes before its first call.
 *
 * <p>The component logs in lazily: an org that is down, or not configured because the CRM is off, must not stop the
 * hub from starting. camel-salesforce's REST client does not log in on its own before a first call (it only logs in
 * again on a 401 once it has a session), so the route calls {@link #login()} inside its circuit breaker: a failed
 * login counts as an outage of the channel, like a 503.
 */
public class SalesforceConnection {

    private final SalesforceComponent component;

    public SalesforceConnection(SalesforceComponent component) {
        this.component = component;
    }

    /** The component for {@code salesforce:} endpoints, set up from the settings; it logs in on the first call. */
    public static SalesforceComponent component(CrmProperties crm) {
        SalesforceComponent component = new SalesforceComponent();
        component.setLazyLogin(true);
        component.setLoginUrl(crm.loginUrl().replaceAll("/+$", ""));
        if (!CrmProperties.blank(crm.instanceUrl())) {
            component.setInstanceUrl(crm.instanceUrl().replaceAll("/+$", ""));
        }
        component.setClientId(crm.clientId());
        if (crm.auth() == CrmProperties.Auth.JWT) {
            component.setAuthenticationType(AuthenticationType.JWT);
            component.setUserName(crm.username());
            component.setKeystore(keystore(crm));
            if (!CrmProperties.blank(crm.jwtAudience())) {
                component.setJwtAudience(crm.jwtAudience());
            }
        } else {
            component.setAuthenticationType(AuthenticationType.CLIENT_CREDENTIALS);
            component.setClientSecret(crm.clientSecret());
        }
        // no generated sObject classes: the case goes as JSON, the answer comes back as camel-salesforce's own DTO
        component.setPackages(CaseComposer.class.getPackageName());
        SalesforceEndpointConfig endpoints = new SalesforceEndpointConfig();
        endpoints.setApiVersion(crm.apiVersion());
        component.setConfig(endpoints);
        component.setHttpClientConnectionTimeout(crm.timeout().toMillis());
        component.setHttpRequestTimeout(crm.timeout().toMillis());
        return component;
    }

    private static KeyStoreParameters keystore(CrmProperties crm) {
        KeyStoreParameters keystore = new KeyStoreParameters();
        keystore.setResource(crm.keystore());
        keystore.setPassword(crm.keystorePassword());
        if (!CrmProperties.blank(crm.keystoreType())) {
            keystore.setType(crm.keystoreType());
        }
        return keystore;
    }

    /**
     * Logs in unless a session is open (the REST client then follows it: it listens to the session). Later expiry
     * is camel-salesforce's business: a 401 makes it log in again and repeat the call.
     *
     * @throws CrmUnavailableException the token endpoint refused or could not be reached
     */
    public void login() {
        SalesforceSession session = component.getSession();
        if (session.getAccessToken() != null) {
            return;
        }
        try {
            session.login(null);
        } catch (SalesforceException | RuntimeException e) {
            throw new CrmUnavailableException(
                    "Salesforce login at " + component.getLoginUrl() + " failed: " + SalesforceErrors.describe(e), e);
        }
    }
}
