// Azure Container Registry holding the pgvault image (Functions Java host + PostgreSQL client).
// The function app pulls with its user-assigned identity (AcrPull in rbac.bicep), so the admin
// user stays disabled and no registry password exists anywhere.

@description('Name of the registry (5-50 letters and digits).')
@minLength(5)
@maxLength(50)
param name string

@description('Azure region of the registry.')
param location string

@description('Tags applied to the registry.')
param tags object = {}

// 2025-04-01: the first stable API version with anonymousPullEnabled (2023-07-01 does not know it).
resource registry 'Microsoft.ContainerRegistry/registries@2025-04-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Basic'
  }
  properties: {
    adminUserEnabled: false
    anonymousPullEnabled: false
    publicNetworkAccess: 'Enabled'
  }
}

output NAME string = registry.name
output LOGIN_SERVER string = registry.properties.loginServer
