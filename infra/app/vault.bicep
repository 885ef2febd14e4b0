// The vault storage account: where pgvault streams the weekly full logical backups.
// The container itself (and its optional encryption scope / immutability) is in
// vault-container.bicep, because with a customer-managed key the scope can only be created after
// this account's identity has been granted access to the key (rbac-keyvault.bicep).

@description('Name of the vault storage account (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region of the vault.')
param location string

@description('Tags applied to the vault.')
param tags object = {}

@description('Redundancy of the vault. Geo-redundant by default so a regional outage does not take the backups with it.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_RAGRS'
  'Standard_GZRS'
  'Standard_RAGZRS'
])
param skuName string = 'Standard_GRS'

// Archive is deliberately absent: the support matrix says vaulted backups do not support the
// archive tier (an archived blob cannot be read, so it could not be restored without rehydration).
@description('Default access tier of the account: Hot (default), Cool or Cold. Archive is not offered (support matrix).')
@allowed([
  'Hot'
  'Cool'
  'Cold'
])
param accessTier string = 'Hot'

@description('Days deleted blobs and deleted containers stay recoverable (soft delete).')
@minValue(1)
@maxValue(365)
param softDeleteRetentionDays int = 30

@description('Turn on blob versioning. Required (and forced on) when the container gets version-level immutability.')
param versioningEnabled bool = false

@description('Give the account a system-assigned identity. Needed when the container\'s encryption scope uses a customer-managed key: that identity is granted access to the key.')
param systemAssignedIdentity bool = false

@description('Optional lifecycle rule: move backup blobs to this cooler tier after lifecycleAfterDays. None, Cool or Cold; never Archive (support matrix).')
@allowed([
  'None'
  'Cool'
  'Cold'
])
param lifecycleTier string = 'None'

@description('Days since a backup blob was last modified before the lifecycle rule moves it to lifecycleTier.')
@minValue(1)
param lifecycleAfterDays int = 30

@description('Name of the backup container; the lifecycle rule is limited to it.')
param containerName string = 'pgvault'

resource vault 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  identity: systemAssignedIdentity ? {
    type: 'SystemAssigned'
  } : null
  properties: {
    accessTier: accessTier
    // Microsoft Entra only: the app uses its managed identity, restores hand out user-delegation
    // SAS (signed with an Entra-derived key), so account keys are never needed.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    // Public endpoint stays reachable (RBAC-only): a restore is a server-side copy that the
    // *target* account performs from a user-delegation SAS URL of the vault blob.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: vault
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: softDeleteRetentionDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: softDeleteRetentionDays
    }
    isVersioningEnabled: versioningEnabled
  }
}

// Only ever tiers down to Cool or Cold. A rule that moves blobs to the archive tier is forbidden
// by the support matrix and rejected by src/test/java/io/pgvault/infra/InfraConsistencyTest.java.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = if (lifecycleTier != 'None') {
  parent: vault
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'pgvault-cooler-tier'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${containerName}/'
              ]
            }
            actions: {
              baseBlob: lifecycleTier == 'Cold' ? {
                tierToCold: {
                  daysAfterModificationGreaterThan: lifecycleAfterDays
                }
              } : {
                tierToCool: {
                  daysAfterModificationGreaterThan: lifecycleAfterDays
                }
              }
            }
          }
        }
      ]
    }
  }
  dependsOn: [
    blobService
  ]
}

output NAME string = vault.name
output ID string = vault.id
output BLOB_ENDPOINT string = vault.properties.primaryEndpoints.blob
output PRINCIPAL_ID string = systemAssignedIdentity ? vault.identity!.principalId : ''
