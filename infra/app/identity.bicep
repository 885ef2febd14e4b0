// The user-assigned managed identity the pgvault function app runs as.
// User-assigned (not system-assigned) so that its principal exists before the app: role
// assignments, the AcrPull needed for the very first image pull and the PostgreSQL Entra role
// can all be set up before the site starts, and the identity survives re-creating the app.

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region of the identity.')
param location string

@description('Tags applied to the identity.')
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output NAME string = identity.name
output ID string = identity.id
output CLIENT_ID string = identity.properties.clientId
output PRINCIPAL_ID string = identity.properties.principalId
