// pgvault: weekly vaulted full logical backups of Azure Database for PostgreSQL Flexible Server.
// Entry point for `azd up` and `az deployment sub create`: creates the resource group and
// everything in it. See infra/README.md for the deployment steps and every parameter.
targetScope = 'subscription'

// ---------------------------------------------------------------------------------------------
// Environment
// ---------------------------------------------------------------------------------------------

@minLength(1)
@maxLength(64)
@description('Name of the environment (azd: AZURE_ENV_NAME); feeds the resource group name and the unique suffix of every resource name.')
param environmentName string

@minLength(1)
@description('Region of every resource. Put it in the PostgreSQL server\'s region: the support matrix requires the vault to be in the same region (and tenant) as the server.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Name of the resource group to create; empty: rg-<environmentName>.')
param resourceGroupName string = ''

// ---------------------------------------------------------------------------------------------
// PostgreSQL server to back up
// ---------------------------------------------------------------------------------------------

@minLength(1)
@description('Host name of the PostgreSQL server, such as myserver.postgres.database.azure.com (PGVAULT_PG_HOST).')
param pgHost string

@description('TCP port of the PostgreSQL server (PGVAULT_PG_PORT).')
param pgPort int = 5432

@description('Database pgvault connects to for inspection and pg_dumpall (PGVAULT_PG_DATABASE).')
param pgDatabase string = 'postgres'

@description('libpq sslmode (PGVAULT_PG_SSLMODE). Azure always requires TLS; verify-full additionally checks the server certificate.')
@allowed([
  'require'
  'verify-ca'
  'verify-full'
])
param pgSslMode string = 'require'

@description('How pgvault signs in to PostgreSQL (PGVAULT_PG_AUTH): entra (default; a Microsoft Entra token of the app\'s managed identity, no password anywhere) or password (fallback; the password comes from Key Vault).')
@allowed([
  'entra'
  'password'
])
param pgAuth string = 'entra'

@description('PostgreSQL role pgvault logs in as (PGVAULT_PG_USER). entra: the Entra role name of the managed identity, empty meaning the identity\'s name; password: the admin login (required).')
param pgUser string = ''

@description('pgAuth=password only: Key Vault secret URI of the password, https://<key vault>.<Key Vault DNS suffix>/secrets/<name> (versionless follows rotation). The key vault must use the Azure RBAC permission model.')
param pgPasswordSecretUri string = ''

@description('pgAuth=password only, then required: resource group of that key vault. There is no default: the resource group this deployment creates cannot already hold it.')
param pgPasswordKeyVaultResourceGroupName string = ''

@description('Name under which the server\'s backups are filed in the vault (PGVAULT_SERVER_NAME); empty: the first label of pgHost.')
param backupServerName string = ''

@description('Tenant id of the PostgreSQL server (PGVAULT_SERVER_TENANT_ID) for the matrix\'s same-tenant rule; empty: unknown, not judged.')
param pgServerTenantId string = ''

@description('Subscription id of the PostgreSQL server (PGVAULT_SERVER_SUBSCRIPTION_ID); empty: unknown, not judged.')
param pgServerSubscriptionId string = ''

@description('Region of the PostgreSQL server, such as uksouth (PGVAULT_SERVER_REGION) for the matrix\'s same-region rule; empty: unknown, not judged.')
param pgServerRegion string = ''

// ---------------------------------------------------------------------------------------------
// Backups and restores
// ---------------------------------------------------------------------------------------------

@description('NCRONTAB schedule of the weekly backup, with seconds (BACKUP_SCHEDULE). The matrix allows one backup a week.')
param backupSchedule string = '0 0 2 * * Sun'

@description('NCRONTAB schedule of the fleet scheduler pass (SCHEDULER_SCHEDULE): each pass queues the registered servers whose weekly slot has come. Hourly by default.')
param schedulerSchedule string = '0 0 * * * *'

@description('Name of the Key Vault that holds the password secrets of registered servers (auth password, a Key Vault secret URI as passwordRef); empty: none (every registered server uses Entra). The key vault must use the Azure RBAC permission model.')
param serversKeyVaultName string = ''

@description('Resource group of serversKeyVaultName; required with it.')
param serversKeyVaultResourceGroupName string = ''

@description('Time zone of backupSchedule (WEBSITE_TIME_ZONE; on Linux a tz database name such as Europe/London); empty: UTC.')
param websiteTimeZone string = ''

@description('Databases dumped at once (PGVAULT_BACKUP_PARALLELISM); 0: one per core.')
@minValue(0)
param backupParallelism int = 0

@description('Dump compression (PGVAULT_BACKUP_COMPRESSION): zstd, gzip:N or none.')
param backupCompression string = 'zstd'

@description('Block size of the streamed uploads in bytes (PGVAULT_BACKUP_BLOCK_SIZE_BYTES).')
@minValue(1048576)
param backupBlockSizeBytes int = 8388608

@description('Blocks each upload keeps in flight (PGVAULT_BACKUP_BLOCKS_IN_FLIGHT).')
@minValue(1)
param backupBlocksInFlight int = 4

@description('How long pg_dump waits for a table lock before the backup fails, ISO-8601 (PGVAULT_BACKUP_LOCK_WAIT_TIMEOUT).')
param backupLockWaitTimeout string = 'PT10M'

@description('Longest a single pg_dump may run, ISO-8601 (PGVAULT_BACKUP_TIMEOUT). Keep it below host.json functionTimeout (24 h).')
param backupTimeout string = 'PT12H'

@description('Extra blob endpoints restores may write to (PGVAULT_RESTORE_ALLOWED_ENDPOINTS); the standard blob endpoint of any account (https://<account>.blob.<storage DNS suffix>) is always allowed.')
param restoreAllowedEndpoints array = []

@description('Storage accounts restores may write to with the app\'s identity, without a SAS (PGVAULT_RESTORE_IDENTITY_TARGET_ACCOUNTS); give the identity Storage Blob Data Contributor there. Other targets need a SAS; the vault and host accounts are always refused.')
param restoreIdentityTargetAccounts array = []

@description('Tenant assumed for restore targets whose placement is not given (PGVAULT_RESTORE_TARGET_TENANT_ID); empty: this deployment\'s tenant (the matrix allows restores only within the tenant).')
param restoreTargetTenantId string = ''

@description('Region assumed for restore targets whose placement is not given (PGVAULT_RESTORE_TARGET_REGION); empty: unknown, not judged.')
param restoreTargetRegion string = ''

@description('Longest one asynchronous server-side restore copy may take, ISO-8601 (PGVAULT_RESTORE_COPY_TIMEOUT). Keep it below host.json functionTimeout.')
param restoreCopyTimeout string = 'PT6H'

@description('How restored files are checked (PGVAULT_RESTORE_VERIFY): sha256 (read back and hash each file) or size (size and Content-MD5 property, reads nothing).')
@allowed([
  'sha256'
  'size'
])
param restoreVerify string = 'sha256'

@description('Keep the backups of the last N ISO weeks (PGVAULT_RETENTION_WEEKLY_WEEKS); 13 is about 3 months.')
@minValue(1)
param retentionWeeklyWeeks int = 13

@description('Also keep the first backup of each of the last M months (PGVAULT_RETENTION_MONTHLY_MONTHS); 0: off.')
@minValue(0)
param retentionMonthlyMonths int = 0

@description('Also keep the first backup of each of the last Y years (PGVAULT_RETENTION_YEARLY_YEARS); 0: off.')
@minValue(0)
param retentionYearlyYears int = 0

// ---------------------------------------------------------------------------------------------
// Vault
// ---------------------------------------------------------------------------------------------

@description('Name of the backup container (PGVAULT_VAULT_CONTAINER).')
param vaultContainerName string = 'pgvault'

@description('Access tier of the vault account and of the backup blobs (PGVAULT_VAULT_ACCESS_TIER): Hot, Cool or Cold. Archive is not offered: the matrix does not support it.')
@allowed([
  'Hot'
  'Cool'
  'Cold'
])
param vaultAccessTier string = 'Hot'

@description('Redundancy of the vault account.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_RAGRS'
  'Standard_GZRS'
  'Standard_RAGZRS'
])
param vaultSkuName string = 'Standard_GRS'

@description('Days deleted backup blobs and containers stay recoverable (blob and container soft delete).')
@minValue(1)
@maxValue(365)
param vaultSoftDeleteRetentionDays int = 30

@description('Enable version-level immutability (WORM) support on the backup container; turns on blob versioning. Azure accepts this only when the container is created: turning it on for an existing container fails the deployment. Migrate an existing container with `az storage container-rm migrate-vlw` first, then set this to true (see infra/README.md).')
param vaultImmutableStorageWithVersioning bool = false

@description('With immutability: days each backup version is protected by the container\'s default retention policy (0: none). Created unlocked; see infra/README.md before locking it.')
@minValue(0)
param vaultImmutabilityPeriodDays int = 0

@description('Set to true once the container\'s default retention policy has been locked: a locked policy can only be extended (az storage container immutability-policy extend), so the template then leaves it alone instead of trying to rewrite it.')
param vaultImmutabilityPolicyLocked bool = false

@description('Days pgvault makes each committed backup immutable with a version-level policy of its own (PGVAULT_VAULT_IMMUTABILITY_DAYS); 0: off. Needs vaultImmutableStorageWithVersioning; the app identity then gets a custom role with the Set Blob Immutability Policy data action on the backup container.')
@minValue(0)
param vaultImmutabilityDays int = 0

@description('Mode of those per-backup policies (PGVAULT_VAULT_IMMUTABILITY_MODE): Unlocked (can still be shortened or removed) or Locked (irreversible).')
@allowed([
  'Unlocked'
  'Locked'
])
param vaultImmutabilityMode string = 'Unlocked'

@description('Name of an encryption scope enforced on the backup container; empty: account encryption (Microsoft-managed keys) only.')
param vaultEncryptionScopeName string = ''

@description('Customer-managed key for that encryption scope: versionless key URI, https://<key vault>.<Key Vault DNS suffix>/keys/<name>; empty: the scope uses a Microsoft-managed key. The key vault needs purge protection, the Azure RBAC permission model and the vault\'s region.')
param vaultCmkKeyUri string = ''

@description('With vaultCmkKeyUri, required: resource group of the key vault holding that key. There is no default: the resource group this deployment creates cannot already hold it.')
param vaultCmkKeyVaultResourceGroupName string = ''

@description('Optional lifecycle rule moving backups to a cooler tier after vaultLifecycleAfterDays: None, Cool or Cold (never Archive).')
@allowed([
  'None'
  'Cool'
  'Cold'
])
param vaultLifecycleTier string = 'None'

@description('Days after its last modification before a backup blob moves to vaultLifecycleTier.')
@minValue(1)
param vaultLifecycleAfterDays int = 30

// ---------------------------------------------------------------------------------------------
// Hosting and network
// ---------------------------------------------------------------------------------------------

@description('App Service plan SKU: EP1-EP3 (Elastic Premium, default EP1) or P1v3-P3v3 (Dedicated). Consumption and Flex Consumption are not offered: see infra/README.md.')
@allowed([
  'EP1'
  'EP2'
  'EP3'
  'P1v3'
  'P2v3'
  'P3v3'
])
param planSku string = 'EP1'

@description('Elastic Premium only: maximum burst, the most instances the plan (and the app) may scale out to (maximumElasticWorkerCount, functionAppScaleLimit). 1: the one always-ready instance only, so a multi-hour dump never runs on an instance that scale-in removes (Premium gives 60 minutes of grace). Raise it to let queue-triggered work fan out; the created subnet must then hold it (see vnetIntegrationSubnetPrefix).')
@minValue(1)
@maxValue(100)
param planMaximumBurst int = 1

@description('Image the function app runs; empty: <registry>/pgvault:latest in the registry created here (azd sets SERVICE_PGVAULT_IMAGE_NAME after a deploy).')
param containerImage string = ''

@description('Create a virtual network and integrate the function app with it (outbound), to reach PostgreSQL servers with private access or private endpoints.')
param vnetEnabled bool = false

@description('Use this existing subnet (delegated to Microsoft.Web/serverFarms, same region) for VNet integration instead of creating a network. Takes precedence over vnetEnabled.')
param vnetIntegrationSubnetId string = ''

@description('Address space of the created virtual network (vnetEnabled).')
param vnetAddressPrefix string = '10.42.0.0/16'

@description('Prefix of the created integration subnet (vnetEnabled). /25 (123 usable addresses) is the smallest the template accepts: Premium plans ask for at least 100 available addresses, and scale operations briefly need two addresses per instance, so /25 holds a planMaximumBurst of up to 61 and /24 up to 125.')
param vnetIntegrationSubnetPrefix string = '10.42.0.0/25'

@description('CIDR ranges allowed to call the app\'s HTTP endpoints; everything else is denied. Empty: no inbound HTTP (the weekly timer still runs).')
param allowedInboundIpRanges array = []

@description('Days Log Analytics keeps the logs.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('NCRONTAB schedule of the overdue watch (WATCH_SCHEDULE), with seconds; hourly by default. The "no watch run" alert fires after watchSilentHours without a run.')
param watchSchedule string = '0 0 * * * *'

@description('NCRONTAB schedule of the restore drills (DRILL_SCHEDULE), with seconds; monthly by default (03:00 on the 1st).')
param drillSchedule string = '0 0 3 1 * *'

@description('Host of the drill server restore drills restore into (PGVAULT_DRILL_SERVER_HOST); empty: no drills.')
param drillServerHost string = ''

@description('Login role on the drill server (PGVAULT_DRILL_SERVER_USER); with Entra, the managed identity\'s role name.')
param drillServerUser string = 'postgres'

@description('Days a protected server\'s newest committed backup may be old before the watch marks it Overdue (PGVAULT_WATCH_OVERDUE_DAYS).')
@minValue(1)
param watchOverdueDays int = 8

@description('Hours without a pass of the overdue watch before the "no watch run" alert fires.')
@minValue(1)
param watchSilentHours int = 2

@description('Email address pgvault\'s alerts go to (failed/refused backup, failed restore/verify, overdue server, no watch run); empty: none.')
param alertEmail string = ''

@description('HTTPS webhook pgvault\'s alerts are posted to (common alert schema); empty: none.')
@secure()
param alertWebhookUrl string = ''

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  application: 'pgvault'
}
var rgName = !empty(resourceGroupName) ? resourceGroupName : 'rg-${environmentName}'
var identityName = 'id-pgvault-${resourceToken}'
var usePassword = pgAuth == 'password'
var useCmk = !empty(vaultCmkKeyUri)
// https://<key vault>.<Key Vault DNS suffix>/secrets/<name>[/<version>] and .../keys/<name>[/<version>]:
// the key vault and secret names are taken from the URIs (placeholders keep the split valid; no
// cloud host name in them, which the no-hardcoded-env-urls lint rule would flag).
var passwordUriParts = split(usePassword ? pgPasswordSecretUri : 'https://unused.invalid/secrets/unused', '/')
var cmkUriParts = split(useCmk ? vaultCmkKeyUri : 'https://unused.invalid/keys/unused', '/')
var createVnet = vnetEnabled && empty(vnetIntegrationSubnetId)
var integrationSubnetId = !empty(vnetIntegrationSubnetId) ? vnetIntegrationSubnetId : (createVnet ? vnet!.outputs.INTEGRATION_SUBNET_ID : '')

// Deploy-time guards: each fail() stops the deployment with its message (and a HINT) in the one
// case where going on would only fail later with a less clear Azure error.
// A key vault's resource group has no default: the group this deployment creates cannot hold a
// key vault that must exist before the deployment (the `existing` reference would be NotFound).
var pgPasswordKeyVaultRg = !usePassword ? rg.name : (!empty(pgPasswordKeyVaultResourceGroupName) ? pgPasswordKeyVaultResourceGroupName : fail('pgAuth=password needs pgPasswordKeyVaultResourceGroupName: the resource group of the key vault in pgPasswordSecretUri (${passwordUriParts[2]}). HINT: set pgPasswordKeyVaultResourceGroupName (azd: azd env set PG_PASSWORD_KEY_VAULT_RESOURCE_GROUP <group>).'))
var cmkKeyVaultRg = !useCmk ? rg.name : (!empty(vaultCmkKeyVaultResourceGroupName) ? vaultCmkKeyVaultResourceGroupName : fail('vaultCmkKeyUri needs vaultCmkKeyVaultResourceGroupName: the resource group of the key vault in vaultCmkKeyUri (${cmkUriParts[2]}). HINT: set vaultCmkKeyVaultResourceGroupName.'))
// pgvault's own per-backup policies need version-level immutability support on the container.
var immutabilityDays = vaultImmutabilityDays == 0 || vaultImmutableStorageWithVersioning ? vaultImmutabilityDays : fail('vaultImmutabilityDays=${vaultImmutabilityDays} needs version-level immutability support on the backup container. HINT: set vaultImmutableStorageWithVersioning=true (for an existing container, migrate it first: az storage container-rm migrate-vlw).')
// Integration subnet: Premium asks for at least 100 available addresses (/25: 128 - 5 reserved by
// Azure), and a scale operation briefly needs two addresses per instance: /25 holds a burst of 61,
// /24 one of 125 (planMaximumBurst is at most 100).
var integrationSubnetPrefixLength = int(split(vnetIntegrationSubnetPrefix, '/')[1])
var integrationSubnetLongestPrefix = planMaximumBurst <= 61 ? 25 : 24
var integrationSubnetPrefix = !createVnet || integrationSubnetPrefixLength <= integrationSubnetLongestPrefix ? vnetIntegrationSubnetPrefix : fail('vnetIntegrationSubnetPrefix ${vnetIntegrationSubnetPrefix} is too small for planMaximumBurst=${planMaximumBurst}: Premium plans need at least 100 available addresses and two per instance while scaling. HINT: use a /${integrationSubnetLongestPrefix} or larger prefix.')

// Built-in role definition ids for the Key Vault assignments.
var keyVaultSecretsUserRole = '4633458b-17de-408a-b874-0445c86b69e6'
var keyVaultCryptoServiceEncryptionUserRole = 'e147488a-f6f5-4113-8e2d-b22465e65bf6'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: rgName
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: identityName
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
    retentionInDays: logRetentionInDays
  }
}

module alerts 'app/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    workspaceId: monitoring.outputs.LOG_ANALYTICS_ID
    location: location
    tags: tags
    nameSuffix: resourceToken
    alertEmail: alertEmail
    alertWebhookUrl: alertWebhookUrl
    watchSilentHours: watchSilentHours
  }
}

module hostStorage 'app/host-storage.bicep' = {
  name: 'host-storage'
  scope: rg
  params: {
    name: 'stfunc${resourceToken}'
    location: location
    tags: tags
  }
}

module vault 'app/vault.bicep' = {
  name: 'vault'
  scope: rg
  params: {
    name: 'stvault${resourceToken}'
    location: location
    tags: tags
    skuName: vaultSkuName
    accessTier: vaultAccessTier
    softDeleteRetentionDays: vaultSoftDeleteRetentionDays
    versioningEnabled: vaultImmutableStorageWithVersioning
    systemAssignedIdentity: useCmk
    lifecycleTier: vaultLifecycleTier
    lifecycleAfterDays: vaultLifecycleAfterDays
    containerName: vaultContainerName
  }
}

// Customer-managed key: the vault account's own identity must reach the key before the
// encryption scope is created (vault-container.bicep depends on this module).
module vaultCmkAccess 'app/rbac-keyvault.bicep' = if (useCmk) {
  name: 'vault-cmk-access'
  scope: resourceGroup(cmkKeyVaultRg)
  params: {
    principalId: vault.outputs.PRINCIPAL_ID
    keyVaultName: split(cmkUriParts[2], '.')[0]
    roleDefinitionId: keyVaultCryptoServiceEncryptionUserRole
  }
}

module vaultContainer 'app/vault-container.bicep' = {
  name: 'vault-container'
  scope: rg
  params: {
    vaultName: vault.outputs.NAME
    containerName: vaultContainerName
    encryptionScopeName: vaultEncryptionScopeName
    cmkKeyUri: vaultCmkKeyUri
    immutableStorageWithVersioning: vaultImmutableStorageWithVersioning
    immutabilityPeriodDays: vaultImmutabilityPeriodDays
    immutabilityPolicyLocked: vaultImmutabilityPolicyLocked
  }
  dependsOn: [
    vaultCmkAccess
  ]
}

module registry 'app/registry.bicep' = {
  name: 'registry'
  scope: rg
  params: {
    name: 'crpgvault${resourceToken}'
    location: location
    tags: tags
  }
}

module vnet 'app/vnet.bicep' = if (createVnet) {
  name: 'vnet'
  scope: rg
  params: {
    name: 'vnet-${resourceToken}'
    location: location
    tags: tags
    addressPrefix: vnetAddressPrefix
    integrationSubnetPrefix: integrationSubnetPrefix
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    principalId: identity.outputs.PRINCIPAL_ID
    vaultStorageAccountName: vault.outputs.NAME
    vaultContainerName: vaultContainer.outputs.NAME
    immutabilityPolicyWriter: immutabilityDays > 0
    hostStorageAccountName: hostStorage.outputs.NAME
    containerRegistryName: registry.outputs.NAME
    applicationInsightsName: monitoring.outputs.APPLICATION_INSIGHTS_NAME
  }
}

// Password fallback: the identity may read that one secret, nothing else in the key vault.
module pgPasswordAccess 'app/rbac-keyvault.bicep' = if (usePassword) {
  name: 'pg-password-access'
  scope: resourceGroup(pgPasswordKeyVaultRg)
  params: {
    principalId: identity.outputs.PRINCIPAL_ID
    keyVaultName: split(passwordUriParts[2], '.')[0]
    secretName: passwordUriParts[4]
    roleDefinitionId: keyVaultSecretsUserRole
  }
}

// Registered servers with auth password: the identity may read the secrets of that one key vault (their
// passwordRef URIs point into it), never a resource group or subscription.
var useServersKeyVault = !empty(serversKeyVaultName)
var serversKeyVaultRg = !useServersKeyVault ? rg.name : (!empty(serversKeyVaultResourceGroupName) ? serversKeyVaultResourceGroupName : fail('serversKeyVaultName needs serversKeyVaultResourceGroupName: the resource group of that key vault. HINT: set serversKeyVaultResourceGroupName.'))

module serversSecretsAccess 'app/rbac-keyvault.bicep' = if (useServersKeyVault) {
  name: 'servers-secrets-access'
  scope: resourceGroup(serversKeyVaultRg)
  params: {
    principalId: identity.outputs.PRINCIPAL_ID
    keyVaultName: serversKeyVaultName
    roleDefinitionId: keyVaultSecretsUserRole
  }
}

module functionApp 'app/function.bicep' = {
  name: 'function'
  scope: rg
  params: {
    name: 'func-pgvault-${resourceToken}'
    location: location
    tags: tags
    serviceName: 'pgvault'
    planName: 'plan-pgvault-${resourceToken}'
    planSku: planSku
    maximumBurst: planMaximumBurst
    identityId: identity.outputs.ID
    identityClientId: identity.outputs.CLIENT_ID
    hostStorageAccountName: hostStorage.outputs.NAME
    applicationInsightsConnectionString: monitoring.outputs.APPLICATION_INSIGHTS_CONNECTION_STRING
    containerImage: !empty(containerImage) ? containerImage : '${registry.outputs.LOGIN_SERVER}/pgvault:latest'
    integrationSubnetId: integrationSubnetId
    allowedInboundIpRanges: allowedInboundIpRanges
    backupSchedule: backupSchedule
    schedulerSchedule: schedulerSchedule
    watchSchedule: watchSchedule
    watchOverdueDays: watchOverdueDays
    drillSchedule: drillSchedule
    drillServerHost: drillServerHost
    drillServerUser: drillServerUser
    websiteTimeZone: websiteTimeZone
    backupServerName: !empty(backupServerName) ? backupServerName : split(pgHost, '.')[0]
    pgHost: pgHost
    pgPort: pgPort
    pgUser: !empty(pgUser) ? pgUser : identityName
    pgSslMode: pgSslMode
    pgDatabase: pgDatabase
    pgAuth: pgAuth
    pgPasswordSecretUri: pgPasswordSecretUri
    pgServerTenantId: pgServerTenantId
    pgServerSubscriptionId: pgServerSubscriptionId
    pgServerRegion: pgServerRegion
    vaultEndpoint: vault.outputs.BLOB_ENDPOINT
    vaultContainerName: vaultContainer.outputs.NAME
    vaultAccessTier: vaultAccessTier
    vaultTenantId: tenant().tenantId
    vaultSubscriptionId: subscription().subscriptionId
    vaultRegion: location
    backupParallelism: backupParallelism
    backupCompression: backupCompression
    backupBlockSizeBytes: backupBlockSizeBytes
    backupBlocksInFlight: backupBlocksInFlight
    backupLockWaitTimeout: backupLockWaitTimeout
    backupTimeout: backupTimeout
    restoreAllowedEndpoints: restoreAllowedEndpoints
    restoreIdentityTargetAccounts: restoreIdentityTargetAccounts
    restoreTargetTenantId: !empty(restoreTargetTenantId) ? restoreTargetTenantId : tenant().tenantId
    restoreTargetRegion: restoreTargetRegion
    restoreCopyTimeout: restoreCopyTimeout
    restoreVerify: restoreVerify
    retentionWeeklyWeeks: retentionWeeklyWeeks
    retentionMonthlyMonths: retentionMonthlyMonths
    retentionYearlyYears: retentionYearlyYears
    vaultImmutabilityDays: immutabilityDays
    vaultImmutabilityMode: vaultImmutabilityMode
  }
  // The first image pull and the identity-based host storage connection need the roles in place.
  dependsOn: [
    rbac
    pgPasswordAccess
  ]
}

// ---------------------------------------------------------------------------------------------
// Outputs (azd stores them in .azure/<env>/.env)
// ---------------------------------------------------------------------------------------------

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.LOGIN_SERVER
output AZURE_CONTAINER_REGISTRY_NAME string = registry.outputs.NAME
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.NAME
output SERVICE_PGVAULT_NAME string = functionApp.outputs.NAME
output APP_IDENTITY_NAME string = identity.outputs.NAME
output APP_IDENTITY_CLIENT_ID string = identity.outputs.CLIENT_ID
output APP_IDENTITY_PRINCIPAL_ID string = identity.outputs.PRINCIPAL_ID
output VAULT_STORAGE_ACCOUNT_NAME string = vault.outputs.NAME
output VAULT_BLOB_ENDPOINT string = vault.outputs.BLOB_ENDPOINT
output VAULT_CONTAINER_NAME string = vaultContainer.outputs.NAME
output APPLICATION_INSIGHTS_NAME string = monitoring.outputs.APPLICATION_INSIGHTS_NAME

// Restores write files into a user's container by server-side copy; the app identity needs
// Storage Blob Data Contributor on that target (container scope is enough). Fill in the scope.
output RESTORE_TARGET_ROLE_ASSIGNMENT_SAMPLE string = 'az role assignment create --assignee-object-id ${identity.outputs.PRINCIPAL_ID} --assignee-principal-type ServicePrincipal --role "Storage Blob Data Contributor" --scope /subscriptions/<target-subscription-id>/resourceGroups/<target-resource-group>/providers/Microsoft.Storage/storageAccounts/<target-account>/blobServices/default/containers/<target-container>'

// pgAuth=entra: make the identity a Microsoft Entra administrator of the server (member of
// azure_pg_admin, which pg_dumpall needs on Flexible Server). Fill in the server's group and name.
output PG_ENTRA_ADMIN_SAMPLE string = 'az postgres flexible-server microsoft-entra-admin create --resource-group <server-resource-group> --server-name <server-name> --display-name ${identity.outputs.NAME} --object-id ${identity.outputs.PRINCIPAL_ID} --type ServicePrincipal'
