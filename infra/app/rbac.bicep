// Role assignments of the app's user-assigned identity. Every assignment is scoped to one
// resource (a storage account, the registry, the Application Insights component), never to the
// resource group or subscription, and named with guid() so that redeploying is idempotent.
// Key Vault assignments live in rbac-keyvault.bicep because the vault may sit in another group.
// The one custom role (Set Blob Immutability Policy, only with pgvault's per-backup immutability)
// is defined in this resource group and assigned on the backup container.

@description('Principal (object) id of the app\'s user-assigned managed identity.')
param principalId string

@description('Name of the vault storage account (backups).')
param vaultStorageAccountName string

@description('Name of the backup container in the vault account.')
param vaultContainerName string

@description('pgvault sets its own version-level immutability policy on each backup (vault immutability days > 0): grant the Set Blob Immutability Policy data action on the backup container.')
param immutabilityPolicyWriter bool

@description('Name of the function host\'s storage account (AzureWebJobsStorage).')
param hostStorageAccountName string

@description('Name of the container registry the app pulls its image from.')
param containerRegistryName string

@description('Name of the Application Insights component the app sends telemetry to.')
param applicationInsightsName string

// Built-in role definition ids (same in every tenant).
var roles = {
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource vaultStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: vaultStorageAccountName
}

resource vaultBlobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' existing = {
  parent: vaultStorage
  name: 'default'
}

resource vaultContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: vaultBlobService
  name: vaultContainerName
}

resource hostStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: hostStorageAccountName
}

resource registry 'Microsoft.ContainerRegistry/registries@2025-04-01' existing = {
  name: containerRegistryName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// Vault: read/write/delete backup blobs. Also carries generateUserDelegationKey, which the
// restore needs to mint the user-delegation SAS the target account copies from, so no separate
// Storage Blob Delegator assignment is needed.
resource vaultBlobContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vaultStorage.id, principalId, roles.storageBlobDataContributor)
  scope: vaultStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Set Blob Immutability Policy (pgvault's per-backup WORM policy) needs a data action that Storage
// Blob Data Contributor lacks; Storage Blob Data Owner has it but also ACL and ownership rights.
// So: a custom role with that one data action, defined in this resource group, assigned on the
// backup container only, and only when pgvault sets such policies. Role names are unique per
// tenant, hence the account name in it.
var immutabilityDataAction = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/immutableStorage/runAsSuperUser/action'

resource immutabilityWriterRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = if (immutabilityPolicyWriter) {
  name: guid(resourceGroup().id, vaultStorageAccountName, 'pgvault-immutability-policy-writer')
  properties: {
    roleName: 'pgvault immutability policy writer (${vaultStorageAccountName})'
    description: 'Set and delete version-level immutability policies on blobs (Set Blob Immutability Policy); nothing else.'
    type: 'CustomRole'
    permissions: [
      {
        actions: []
        dataActions: [
          immutabilityDataAction
        ]
      }
    ]
    assignableScopes: [
      resourceGroup().id
    ]
  }
}

resource vaultImmutabilityWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (immutabilityPolicyWriter) {
  name: guid(vaultContainer.id, principalId, 'pgvault-immutability-policy-writer')
  scope: vaultContainer
  properties: {
    // Role assignments name a role by its subscription-level id, also for a role defined in a group.
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', immutabilityWriterRole!.name)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Host storage: what the Functions docs list for an identity-based AzureWebJobsStorage
// connection (blob owner for leases/keys, queues and tables for host bookkeeping).
resource hostBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, principalId, roles.storageBlobDataOwner)
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource hostQueueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, principalId, roles.storageQueueDataContributor)
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource hostTableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, principalId, roles.storageTableDataContributor)
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Image pull with the identity (siteConfig.acrUseManagedIdentityCreds): no registry password.
resource registryPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, principalId, roles.acrPull)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.acrPull)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Application Insights has local (key) auth disabled; telemetry is sent with an Entra token.
resource telemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, principalId, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
