<#ftl output_format="HTML">
<#--
  The HTML part of a digest; digest-email.txt.ftl is its plain-text twin and lists the model (body.*).
-->
<!DOCTYPE html>
<html>
<head><meta charset="UTF-8"><title>${body.subject}</title></head>
<body style="font-family: sans-serif; font-size: 14px; color: #222;">
<p>${body.count} alert notification<#if body.count != "1">s were<#else> was</#if> held back for you by the rate limit:</p>
<table style="border-collapse: collapse;">
  <tr>
    <th align="left" style="padding: 2px 12px 2px 0;">Severity</th><th align="left" style="padding: 2px 12px 2px 0;">Alert</th>
    <th align="left" style="padding: 2px 12px 2px 0;">Transition</th><th align="left" style="padding: 2px 12px 2px 0;">Metric</th>
    <th align="left" style="padding: 2px 12px 2px 0;">Value</th><th align="left" style="padding: 2px 12px 2px 0;">Threshold</th>
    <th align="left" style="padding: 2px 12px 2px 0;">Time</th><th align="left" style="padding: 2px 12px 2px 0;">Count</th>
  </tr>
<#list body.alerts as a>
  <tr>
    <td style="padding: 2px 12px 2px 0;">${a.severity}</td>
    <td style="padding: 2px 12px 2px 0;"><a href="${a.link}">${a.rule} on ${a.device}</a></td>
    <td style="padding: 2px 12px 2px 0;">${a.transition} at ${a.transitionAt}</td>
    <td style="padding: 2px 12px 2px 0;">${a.metric}</td>
    <td style="padding: 2px 12px 2px 0;">${a.value}</td>
    <td style="padding: 2px 12px 2px 0;">${a.threshold}</td>
    <td style="padding: 2px 12px 2px 0;">${a.time}</td>
    <td style="padding: 2px 12px 2px 0;">${a.count}</td>
  </tr>
</#list>
</table>
<p style="color: #888; font-size: 12px;">FieldHub sent this to ${body.recipient} as config/notifications.yaml says.</p>
</body>
</html>
