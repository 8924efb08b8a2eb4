// Storage account for the Functions host (AzureWebJobsStorage), the Durable Functions
// Azure Storage backend (blobs, queues, tables), the app's own data and the
// Flex Consumption deployment package. Shared-key access is disabled: every client
// (host, Durable, app, deployment) authenticates with Microsoft Entra ID.

@description('Storage account name (3-24 lowercase letters and digits, globally unique).')
@minLength(3)
@maxLength(24)
param name string

param location string = resourceGroup().location
param tags object = {}

@description('Replication SKU. Standard_ZRS is a good choice for production in regions that support it.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_RAGRS'
  'Standard_GZRS'
  'Standard_RAGZRS'
])
param skuName string = 'Standard_LRS'

@description('Container holding the original uploads.')
param submissionsContainerName string = 'submissions'

@description('Container holding the Flex Consumption deployment package.')
param deploymentContainerName string = 'deployment'

@description('Days that deleted blobs/containers stay recoverable (soft delete).')
@minValue(1)
@maxValue(365)
param softDeleteRetentionDays int = 7

@description('Days after which previous (non-current) blob versions are deleted under the prefixes listed in noncurrentVersionCleanupPrefixes.')
@minValue(1)
param noncurrentVersionRetentionDays int = 7

@description('Blob prefixes ("container/" or "container/path") whose previous versions are cleaned up. Versioning is account-wide; this keeps the frequently rewritten host/deployment blobs from piling up versions. The submissions container is deliberately not listed. Add the Durable task hub containers ("<hub>-leases/", "<hub>-largemessages/") here once the hub name is fixed.')
param noncurrentVersionCleanupPrefixes array = [
  'azure-webjobs-hosts/'
  'azure-webjobs-secrets/'
  '${deploymentContainerName}/'
]

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      // Flex Consumption without VNet integration reaches storage over its public endpoint.
      // Tighten with VNet integration + private endpoints if required.
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }

  resource blobServices 'blobServices' = {
    name: 'default'
    properties: {
      isVersioningEnabled: true
      deleteRetentionPolicy: {
        enabled: true
        days: softDeleteRetentionDays
      }
      containerDeleteRetentionPolicy: {
        enabled: true
        days: softDeleteRetentionDays
      }
    }

    // Original uploads. Blob versioning (enabled above) keeps every overwritten/deleted
    // original recoverable.
    // WORM: version-level immutability can be enabled for this container by adding
    //   immutableStorageWithVersioning: { enabled: true }
    // to its properties (account-level versioning is a prerequisite and is already on),
    // then setting a default time-based retention policy on the container. Once a policy
    // is locked, blobs cannot be modified or deleted before it expires, nor can the
    // storage account be deleted while such blobs exist - enable it deliberately.
    resource submissions 'containers' = {
      name: submissionsContainerName
      properties: {
        publicAccess: 'None'
      }
    }

    // Flex Consumption deployment package (written by the platform using the app's identity).
    resource deployment 'containers' = {
      name: deploymentContainerName
      properties: {
        publicAccess: 'None'
      }
    }
  }

  resource managementPolicies 'managementPolicies' = {
    name: 'default'
    properties: {
      policy: {
        rules: [
          {
            name: 'delete-old-noncurrent-versions'
            enabled: true
            type: 'Lifecycle'
            definition: {
              filters: {
                blobTypes: [
                  'blockBlob'
                ]
                prefixMatch: noncurrentVersionCleanupPrefixes
              }
              actions: {
                version: {
                  delete: {
                    daysAfterCreationGreaterThan: noncurrentVersionRetentionDays
                  }
                }
              }
            }
          }
        ]
      }
    }
    dependsOn: [
      blobServices
    ]
  }
}

output id string = storage.id
output name string = storage.name
output blobServiceUri string = storage.properties.primaryEndpoints.blob
output queueServiceUri string = storage.properties.primaryEndpoints.queue
output tableServiceUri string = storage.properties.primaryEndpoints.table
output submissionsContainerName string = storage::blobServices::submissions.name
output deploymentContainerName string = storage::blobServices::deployment.name
