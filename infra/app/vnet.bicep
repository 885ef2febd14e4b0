// Optional virtual network for regional VNet integration of the function app. pgvault's outbound
// traffic (to PostgreSQL, to the vault) then leaves through this subnet, so a PostgreSQL server
// that is only reachable privately (private access / private endpoint) can be dumped. This is the
// equivalent of the support matrix's "allow trusted Microsoft services" line: pgvault is your own
// code, not a trusted first-party service, so it needs a network path instead of an exception.
// Peer this VNet with the server's VNet (or pass an existing subnet to main.bicep instead) and
// link the private DNS zone privatelink.postgres.database.azure.com (or the server's own
// private DNS zone) to it; see infra/README.md.

@description('Name of the virtual network.')
param name string

@description('Azure region of the virtual network (must be the function app\'s region).')
param location string

@description('Tags applied to the virtual network.')
param tags object = {}

@description('Address space of the virtual network.')
param addressPrefix string = '10.42.0.0/16'

@description('Address prefix of the integration subnet. /25 by default: Elastic Premium asks for at least 100 available addresses, and scale operations briefly need two per instance (/25: burst up to 61, /24: up to 125).')
param integrationSubnetPrefix string = '10.42.0.0/25'

var integrationSubnetName = 'snet-function-integration'

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: integrationSubnetName
        properties: {
          addressPrefix: integrationSubnetPrefix
          // Elastic Premium and Dedicated plans integrate through a subnet delegated to serverFarms.
          delegations: [
            {
              name: 'delegation-serverfarms'
              properties: {
                serviceName: 'Microsoft.Web/serverFarms'
              }
            }
          ]
        }
      }
    ]
  }
}

output NAME string = vnet.name
output INTEGRATION_SUBNET_ID string = '${vnet.id}/subnets/${integrationSubnetName}'
