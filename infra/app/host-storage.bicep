// The function host's own storage account (AzureWebJobsStorage): timer-trigger locks and
// schedule status, host keys, diagnostic events. Kept apart from the vault so that the vault's
// soft delete / immutability never touches host bookkeeping and the host's broad data roles
// (Blob Data Owner, Queue and Table Data Contributor) never reach the backups.

@description('Name of the storage account (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region of the account.')
param location string

@description('Tags applied to the account.')
param tags object = {}

resource hostStorage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    // Identity-based AzureWebJobsStorage connection only: no account keys, no SAS signed with them.
    // Consequence: no Azure Files content share (it needs a key), which is fine for a container app
    // whose code is in the image (see infra/README.md, "Create an app without Azure Files").
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    accessTier: 'Hot'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

// The fleet's fan-out: the scheduler (and backupNow) put one message per due server on pgvault-backups; the
// backupServer queue trigger drains it; after maxDequeueCount failed attempts (host.json) the host moves a
// message to pgvault-backups-poison. Declared here so that they exist before the first scheduler pass.
resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: hostStorage
  name: 'default'
}

resource backupQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: 'pgvault-backups'
}

resource backupPoisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: 'pgvault-backups-poison'
}

output NAME string = hostStorage.name
output ID string = hostStorage.id
output QUEUE_NAME string = backupQueue.name
