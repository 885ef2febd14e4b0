// One role assignment on an existing Key Vault (Azure RBAC permission model), or on a single
// secret of it. Deployed into the Key Vault's own resource group, which may differ from the app's.
// Used twice by main.bicep:
//  - PostgreSQL password fallback: Key Vault Secrets User for the app identity, on that secret only;
//  - customer-managed key for the vault's encryption scope: Key Vault Crypto Service Encryption
//    User for the vault storage account's system-assigned identity, on the key vault.

@description('Principal (object) id that receives the role.')
param principalId string

@description('Name of the existing Key Vault (must use the Azure RBAC permission model).')
param keyVaultName string

@description('Name of one secret to scope the assignment to; empty: the whole key vault.')
param secretName string = ''

@description('Role definition id (GUID) to assign.')
param roleDefinitionId string

var onSecret = !empty(secretName)

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' existing = {
  parent: keyVault
  name: onSecret ? secretName : 'unused'
}

resource secretAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (onSecret) {
  name: guid(secret.id, principalId, roleDefinitionId)
  scope: secret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource vaultAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!onSecret) {
  name: guid(keyVault.id, principalId, roleDefinitionId)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
