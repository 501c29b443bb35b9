<#--
  The plain-text part of a digest: the alert notifications a recipient's rate limit held back
  (config/notifications.yaml), summed up in one email at the end of the window.
  body.subject, body.recipient, body.count, and body.alerts: one entry per held notification, with the fields
  alert-email.txt.ftl lists.
-->
${body.count} alert notification<#if body.count != "1">s were<#else> was</#if> held back for you by the rate limit:

<#list body.alerts as a>
- [${a.severity}] ${a.rule} on ${a.device}: ${a.transition} at ${a.transitionAt}
  ${a.metric} ${a.value} (threshold ${a.threshold}) at ${a.time}, ${a.count} trigger<#if a.count != "1">s</#if>
  ${a.link}
</#list>

-- 
FieldHub sent this to ${body.recipient} as config/notifications.yaml says.
