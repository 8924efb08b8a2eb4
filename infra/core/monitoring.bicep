// Log Analytics workspace + workspace-based Application Insights.

param logAnalyticsName string
param applicationInsightsName string
param location string = resourceGroup().location
param tags object = {}

@minValue(30)
@maxValue(730)
param retentionInDays int = 30

@description('When true, Application Insights accepts only Microsoft Entra-authenticated telemetry (APPLICATIONINSIGHTS_AUTHENTICATION_STRING + Monitoring Metrics Publisher). The Functions host supports this; an in-worker Application Insights SDK would need a TokenCredential configured too.')
param disableLocalAuth bool = true

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    features: {
      enableLogAccessUsingOnlyResourcePermissions: true
    }
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    DisableLocalAuth: disableLocalAuth
    IngestionMode: 'LogAnalytics'
  }
}

output logAnalyticsWorkspaceId string = logAnalytics.id
output logAnalyticsWorkspaceName string = logAnalytics.name
output applicationInsightsId string = applicationInsights.id
output applicationInsightsName string = applicationInsights.name
// The connection string identifies the ingestion endpoint and resource; it is not a secret
// (with DisableLocalAuth=true it cannot be used to send telemetry without an Entra token).
output applicationInsightsConnectionString string = applicationInsights.properties.ConnectionString
