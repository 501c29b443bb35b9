<#ftl output_format="HTML">
<#--
  The HTML part of an alert email; alert-email.txt.ftl is its plain-text twin and lists the model (body.*).
  Values are HTML-escaped (output_format="HTML"): the rule's text and an operator's note show as the text they are.
  Keep this header, and never use ?no_esc on body.* values.
-->
<!DOCTYPE html>
<html>
<head><meta charset="UTF-8"><title>${body.subject}</title></head>
<body style="font-family: sans-serif; font-size: 14px; color: #222;">
<p style="font-size: 16px;"><strong>${body.what}</strong>: ${body.text}</p>
<table style="border-collapse: collapse;">
  <tr><th align="left" style="padding: 2px 12px 2px 0;">Device</th><td>${body.device}</td></tr>
  <tr><th align="left" style="padding: 2px 12px 2px 0;">Rule</th><td>${body.rule}</td></tr>
  <tr><th align="left" style="padding: 2px 12px 2px 0;">Severity</th><td>${body.severity}</td></tr>
  <tr><th align="left" style="padding: 2px 12px 2px 0;">Metric</th><td>${body.metric}</td></tr>
  <tr><th align="left" style="padding: 2px 12px 2px 0;">Value</th><td>${body.value}</td></tr>
  <tr><th align="left" style="padding: 2px 12px 2px 0;">Threshold</th><td>${body.threshold}</td></tr>
  <tr><th align="left" style="padding: 2px 12px 2px 0;">Time</th><td>${body.time} (device time of the latest trigger)</td></tr>
  <tr><th align="left" style="padding: 2px 12px 2px 0;">Count</th><td>${body.count} trigger<#if body.count != "1">s</#if> so far</td></tr>
  <tr><th align="left" style="padding: 2px 12px 2px 0;">State</th><td>${body.state}, tier ${body.tier}</td></tr>
  <tr><th align="left" style="padding: 2px 12px 2px 0;">Transition</th><td>${body.transition} at ${body.transitionAt} by ${body.actor}</td></tr>
<#if body.note != "-">
  <tr><th align="left" style="padding: 2px 12px 2px 0;">Note</th><td>${body.note}</td></tr>
</#if>
</table>
<p><a href="${body.link}">Open alert ${body.alertId} in FieldHub</a></p>
<p style="color: #888; font-size: 12px;">FieldHub sent this to ${body.recipient} as config/notifications.yaml says.</p>
</body>
</html>
