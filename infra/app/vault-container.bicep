// The backup container of the vault, with its optional encryption scope and optional
// version-level immutability (WORM). Deployed after rbac-keyvault.bicep when a customer-managed
// key is used, because creating a Key Vault-backed encryption scope checks access to the key.

@description('Name of the existing vault storage account (vault.bicep).')
param vaultName string

@description('Name of the backup container.')
@minLength(3)
@maxLength(63)
param containerName string = 'pgvault'

@description('Name of an encryption scope to create and enforce as the container default; empty: account-level encryption (Microsoft-managed key) only.')
param encryptionScopeName string = ''

@description('Versionless Key Vault key URI for the encryption scope (customer-managed key); empty: the scope uses a Microsoft-managed key. Needs encryptionScopeName.')
param cmkKeyUri string = ''

@description('Enable version-level immutability support on the container (requires versioning on the account). Azure accepts true only when the container is created; for an existing container the PUT fails: migrate it first (az storage container-rm migrate-vlw), then set true.')
param immutableStorageWithVersioning bool = false

@description('Days each blob version is protected by the container\'s default time-based retention policy (0: no policy, only immutability support). The policy is created unlocked; locking it is a separate, irreversible step.')
@minValue(0)
@maxValue(146000)
param immutabilityPeriodDays int = 0

@description('The default retention policy has been locked (irreversible): it can then only be extended, with its own action, so the template no longer writes it (a PUT could neither shorten nor unlock it and would fail the deployment).')
param immutabilityPolicyLocked bool = false

var useScope = !empty(encryptionScopeName)

resource vault 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: vaultName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' existing = {
  parent: vault
  name: 'default'
}

resource encryptionScope 'Microsoft.Storage/storageAccounts/encryptionScopes@2023-05-01' = if (useScope) {
  parent: vault
  name: useScope ? encryptionScopeName : 'unused'
  properties: empty(cmkKeyUri) ? {
    source: 'Microsoft.Storage'
    state: 'Enabled'
  } : {
    source: 'Microsoft.KeyVault'
    state: 'Enabled'
    keyVaultProperties: {
      // Versionless URI: the scope follows key rotation automatically.
      keyUri: cmkKeyUri
    }
  }
}

resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: containerName
  properties: union({
    publicAccess: 'None'
    immutableStorageWithVersioning: {
      enabled: immutableStorageWithVersioning
    }
  }, useScope ? {
    defaultEncryptionScope: encryptionScopeName
    // Every backup blob is encrypted with the scope's key; a client cannot pick another scope.
    denyEncryptionScopeOverride: true
  } : {})
  dependsOn: [
    encryptionScope
  ]
}

// Written while unlocked only. Once locked, extend it with
// `az storage container immutability-policy extend` (its etag, a longer period) and keep
// immutabilityPolicyLocked=true so later provisions leave it as it is.
resource retention 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2023-05-01' = if (immutableStorageWithVersioning && immutabilityPeriodDays > 0 && !immutabilityPolicyLocked) {
  parent: container
  name: 'default'
  properties: {
    immutabilityPeriodSinceCreationInDays: immutabilityPeriodDays
    // Block blobs only; append writes are not used by pgvault.
    allowProtectedAppendWrites: false
  }
}

output NAME string = container.name
