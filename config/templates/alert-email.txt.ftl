<#--
  The plain-text part of an alert email (one per alert transition: RAISED, ESCALATED, ACKNOWLEDGED, CLEARED).
  FreeMarker; routes/notify-email.camel.yaml renders it for every email, so an edit applies to the next one.
  body.* (every value a string, "-" when there is none): subject, recipient, transition, what (a line on what
  happened), transitionAt, actor, note (what the transition says: an operator's acknowledgement note, the reason
  for an escalation or a clear; one line), tier, alertId, severity, rule, device, state, metric, value, threshold,
  time (device time of the latest trigger), count (triggers so far), text (the rule's text), link (the alert in the hub).
-->
${body.what}: ${body.text}

Device:     ${body.device}
Rule:       ${body.rule}
Severity:   ${body.severity}
Metric:     ${body.metric}
Value:      ${body.value}
Threshold:  ${body.threshold}
Time:       ${body.time} (device time of the latest trigger)
Count:      ${body.count} trigger<#if body.count != "1">s</#if> so far
State:      ${body.state}, tier ${body.tier}
Transition: ${body.transition} at ${body.transitionAt} by ${body.actor}
<#if body.note != "-">
Note:       ${body.note}
</#if>

Alert:      ${body.link}

-- 
FieldHub sent this to ${body.recipient} as config/notifications.yaml says.
