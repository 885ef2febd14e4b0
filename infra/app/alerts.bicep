// Never silent: an action group (email and/or webhook) and scheduled-query alert rules on the Log Analytics
// workspace, over the events pgvault logs (io.pgvault.jobs.JobEvents): `pgvault.job {json}` per ended job,
// `pgvault.overdue {json}` per overdue server, `pgvault.watch {json}` per pass of the overdue watch. The JSON is
// the rest of the line, whatever prefix it got (invocation fields, console), so each query extracts it with a
// regex and parses it. A line may reach the workspace twice (invocation log and console): queries summarize by
// job or server. docs/operations.md lists each query and how to test the rule after deploying.

@description('Resource id of the Log Analytics workspace the function app\'s Application Insights writes to (AppTraces).')
param workspaceId string

@description('Azure region of the alert rules (the workspace\'s region).')
param location string

@description('Tags applied to every resource.')
param tags object = {}

@description('Suffix that makes the resource names unique (the deployment\'s resource token).')
param nameSuffix string

@description('Email address the alerts are sent to; empty: no email receiver.')
param alertEmail string = ''

@description('HTTPS webhook the alerts are posted to (common alert schema); empty: no webhook receiver. Secret: it may carry a token.')
@secure()
param alertWebhookUrl string = ''

@description('Hours without a pgvault.watch event before the "watch silent" alert fires (the watch runs hourly by default).')
@minValue(1)
param watchSilentHours int = 2

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-pgvault-${nameSuffix}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'pgvault'
    enabled: true
    emailReceivers: empty(alertEmail) ? [] : [
      {
        name: 'email'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
    webhookReceivers: empty(alertWebhookUrl) ? [] : [
      {
        name: 'webhook'
        serviceUri: alertWebhookUrl
        useCommonAlertSchema: true
      }
    ]
  }
}

// A backup that ended Failed, Refused or Interrupted, one alert per server.
resource backupFailed 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'alert-pgvault-backup-failed-${nameSuffix}'
  location: location
  tags: tags
  properties: {
    displayName: 'pgvault: backup failed or refused'
    description: 'A pgvault backup ended Failed, Refused or Interrupted (pgvault.job event). The job record holds the error and its HINT: bin/pgvault jobs --server <server>.'
    severity: 1
    enabled: true
    evaluationFrequency: 'PT15M'
    windowSize: 'PT15M'
    scopes: [
      workspaceId
    ]
    criteria: {
      allOf: [
        {
          query: '''
AppTraces
| where Message has "pgvault.job "
| extend e = parse_json(extract(@"pgvault\.job (\{.*\})", 1, Message))
| where tostring(e.kind) == "backup" and tostring(e.state) in ("Failed", "Refused", "Interrupted")
| summarize arg_max(TimeGenerated, *) by jobId = tostring(e.jobId)
| project TimeGenerated, server = tostring(e.server), jobId, state = tostring(e.state), errorCode = tostring(e.errorCode)
'''
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          dimensions: [
            {
              name: 'server'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: false
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

// A restore or verify that ended Failed or Interrupted (a verify that found a damaged file fails).
resource restoreOrVerifyFailed 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'alert-pgvault-restore-verify-failed-${nameSuffix}'
  location: location
  tags: tags
  properties: {
    displayName: 'pgvault: restore or verify failed'
    description: 'A pgvault restore or verify ended Failed or Interrupted (pgvault.job event). GET /api/jobs?server=<server> shows the job and its HINT.'
    severity: 1
    enabled: true
    evaluationFrequency: 'PT15M'
    windowSize: 'PT15M'
    scopes: [
      workspaceId
    ]
    criteria: {
      allOf: [
        {
          query: '''
AppTraces
| where Message has "pgvault.job "
| extend e = parse_json(extract(@"pgvault\.job (\{.*\})", 1, Message))
| where tostring(e.kind) in ("restore", "verify") and tostring(e.state) in ("Failed", "Interrupted")
| summarize arg_max(TimeGenerated, *) by jobId = tostring(e.jobId)
| project TimeGenerated, server = tostring(e.server), kind = tostring(e.kind), jobId, state = tostring(e.state), errorCode = tostring(e.errorCode)
'''
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          dimensions: [
            {
              name: 'server'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: false
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

// The dead-man's switch: the overdue watch found a protected server without a recent committed backup.
resource serverOverdue 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'alert-pgvault-server-overdue-${nameSuffix}'
  location: location
  tags: tags
  properties: {
    displayName: 'pgvault: server overdue'
    description: 'A protected server\'s newest committed backup is older than PGVAULT_WATCH_OVERDUE_DAYS (pgvault.overdue event). bin/pgvault servers shows it as Overdue.'
    severity: 1
    enabled: true
    evaluationFrequency: 'PT1H'
    windowSize: 'PT1H'
    scopes: [
      workspaceId
    ]
    criteria: {
      allOf: [
        {
          query: '''
AppTraces
| where Message has "pgvault.overdue "
| extend e = parse_json(extract(@"pgvault\.overdue (\{.*\})", 1, Message))
| summarize arg_max(TimeGenerated, *) by server = tostring(e.server)
| project TimeGenerated, server, lastBackupId = tostring(e.lastBackupId), lastCommittedAt = tostring(e.lastCommittedAt)
'''
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          dimensions: [
            {
              name: 'server'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

// Who watches the watch: no pass of the overdue watch (watchBackups timer) for watchSilentHours hours.
resource watchSilent 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'alert-pgvault-watch-silent-${nameSuffix}'
  location: location
  tags: tags
  properties: {
    displayName: 'pgvault: no watch run'
    description: 'No pgvault.watch event for ${watchSilentHours} hours: the watchBackups timer (WATCH_SCHEDULE) did not run, so nothing would tell of a stopped backup. Check that the function app runs and its functions are loaded.'
    severity: 1
    enabled: true
    evaluationFrequency: 'PT30M'
    windowSize: 'PT${watchSilentHours}H'
    scopes: [
      workspaceId
    ]
    criteria: {
      allOf: [
        {
          query: '''
AppTraces
| where Message has "pgvault.watch "
'''
          timeAggregation: 'Count'
          operator: 'LessThan'
          threshold: 1
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

output ACTION_GROUP_ID string = actionGroup.id
