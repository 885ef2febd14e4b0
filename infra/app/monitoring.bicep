// Log Analytics workspace + workspace-based Application Insights for the function app.

@description('Name of the Log Analytics workspace.')
param logAnalyticsName string

@description('Name of the Application Insights component.')
param applicationInsightsName string

@description('Azure region of both resources.')
param location string

@description('Tags applied to both resources.')
param tags object = {}

@description('Days Log Analytics keeps the data (30 is the free retention).')
@minValue(30)
@maxValue(730)
param retentionInDays int = 30

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    // Telemetry is accepted only with an Entra token (the app identity gets Monitoring Metrics
    // Publisher in rbac.bicep), so the connection string in the app settings is not a secret.
    DisableLocalAuth: true
  }
}

output LOG_ANALYTICS_ID string = logAnalytics.id
output APPLICATION_INSIGHTS_NAME string = appInsights.name
output APPLICATION_INSIGHTS_CONNECTION_STRING string = appInsights.properties.ConnectionString
