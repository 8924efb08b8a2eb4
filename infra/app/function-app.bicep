// Flex Consumption (FC1) plan + .NET isolated function app.
// Every connection is identity-based (user-assigned managed identity); no keys or
// connection strings with secrets are configured.

param planName string
param functionAppName string
param location string = resourceGroup().location
param tags object = {}

@description('Tag value azd uses to find the app for `azd deploy` (matches the service name in azure.yaml).')
param azdServiceName string = 'functions'

@description('Resource id of the user-assigned managed identity.')
param identityId string

@description('Client id of the user-assigned managed identity.')
param identityClientId string

param storageBlobServiceUri string
param storageQueueServiceUri string
param storageTableServiceUri string

@description('Blob container that holds the Flex Consumption deployment package.')
param deploymentContainerName string

param applicationInsightsConnectionString string

@description('Application settings specific to the app (name -> value). Host/storage/monitoring settings are added here.')
param appSettings object = {}

@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Functions worker runtime version for dotnet-isolated.')
param runtimeVersion string = '10.0'

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true // Linux
  }
}

// Host storage (AzureWebJobsStorage) and Durable Functions (Azure Storage backend, which
// uses the AzureWebJobsStorage connection by default) over Entra ID.
// Note: Flex Consumption rejects FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION app
// settings; the runtime is set in functionAppConfig.runtime instead.
var hostSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__blobServiceUri: storageBlobServiceUri
  AzureWebJobsStorage__queueServiceUri: storageQueueServiceUri
  AzureWebJobsStorage__tableServiceUri: storageTableServiceUri
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

var allSettings = union(hostSettings, appSettings)

resource functionApp 'Microsoft.Web/sites@2025-03-01' = {
  name: functionAppName
  location: location
  tags: union(tags, { 'azd-service-name': azdServiceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: [
        for setting in items(allSettings): {
          name: setting.key
          value: setting.value
        }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobServiceUri}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'dotnet-isolated'
        version: runtimeVersion
      }
    }
  }

  // No publishing with basic (user/password) credentials: deploy with Entra ID (az/azd).
  resource ftpPublishing 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: {
      allow: false
    }
  }

  resource scmPublishing 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: {
      allow: false
    }
  }
}

output id string = functionApp.id
output name string = functionApp.name
output defaultHostName string = functionApp.properties.defaultHostName
output planName string = plan.name
