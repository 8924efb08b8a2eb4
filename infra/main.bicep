// Infrastructure for the Pmm Azure Functions app (.NET 10 isolated worker, Durable Functions
// on the Azure Storage backend) on a Flex Consumption plan.
//
// Identity model: a user-assigned managed identity is the only credential. The storage
// account has shared-key access disabled and Application Insights accepts Entra-authenticated
// telemetry only; the identity gets data-plane RBAC roles. No keys or secret connection
// strings are produced or stored anywhere.
targetScope = 'resourceGroup'

@minLength(1)
@maxLength(64)
@description('Name of the environment (e.g. dev, test, prod); used to derive unique resource names.')
param environmentName string

@minLength(1)
@description('Azure region for all resources.')
param location string = resourceGroup().location

@minLength(1)
@description('Microsoft Entra tenant id (GUID) that issues the tokens the API accepts.')
param entraTenantId string

@minLength(1)
@description('Expected token audience: the app registration\'s Application ID URI (api://...) or client id.')
param entraAudience string

@description('NCrontab (6-field) schedule of the benchmark timer trigger.')
param benchmarkSchedule string = '0 */5 * * * *'

@description('Storage replication SKU.')
param storageSkuName string = 'Standard_LRS'

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
// environment().authentication.loginEndpoint is 'https://login.microsoftonline.com/' in the
// public cloud (and the right host in sovereign clouds), so this is
// 'https://login.microsoftonline.com/<tenant>/v2.0'.
var entraAuthority = '${environment().authentication.loginEndpoint}${entraTenantId}/v2.0'
var tags = {
  'azd-env-name': environmentName
}

module identity 'core/identity.bicep' = {
  name: 'identity'
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'core/storage.bicep' = {
  name: 'storage'
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    skuName: storageSkuName
    submissionsContainerName: 'submissions'
    deploymentContainerName: 'deployment'
  }
}

module monitoring 'core/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
  }
}

module storageAccess 'core/storage-access.bicep' = {
  name: 'storage-access'
  params: {
    storageAccountName: storage.outputs.name
    principalId: identity.outputs.principalId
  }
}

module monitoringAccess 'core/monitoring-access.bicep' = {
  name: 'monitoring-access'
  params: {
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    principalId: identity.outputs.principalId
  }
}

module functionApp 'app/function-app.bicep' = {
  name: 'function-app'
  params: {
    planName: '${abbrs.webServerFarms}${resourceToken}'
    functionAppName: '${abbrs.webSitesFunctions}${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageBlobServiceUri: storage.outputs.blobServiceUri
    storageQueueServiceUri: storage.outputs.queueServiceUri
    storageTableServiceUri: storage.outputs.tableServiceUri
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    appSettings: {
      Pmm__Storage__BlobServiceUri: storage.outputs.blobServiceUri
      Pmm__Storage__TableServiceUri: storage.outputs.tableServiceUri
      Pmm__Storage__ManagedIdentityClientId: identity.outputs.clientId
      Pmm__Auth__Authority: entraAuthority
      Pmm__Auth__Issuer: entraAuthority
      Pmm__Auth__Audience: entraAudience
      PMM_BENCHMARK_SCHEDULE: benchmarkSchedule
      // host.json reads the durable task hub name from this setting: one hub per environment (letters and digits only).
      PMM_TASK_HUB: 'pmm${resourceToken}'
      Pmm__Benchmarks__MeanThreshold: '5'
      Pmm__Benchmarks__QuantileThreshold: '10'
    }
  }
  // Grant data-plane access before the host starts, so its first storage calls succeed.
  dependsOn: [
    storageAccess
    monitoringAccess
  ]
}

output functionAppName string = functionApp.outputs.name
output functionAppDefaultHostName string = functionApp.outputs.defaultHostName
output storageAccountName string = storage.outputs.name
