// The pgvault function app: a Linux custom container (Functions Java 21 host + PostgreSQL client
// tools, see /Dockerfile) on an Elastic Premium plan (or Dedicated), running as the user-assigned
// identity, with every pgvault setting as an app setting.
//
// Why not Consumption / Flex Consumption: see infra/README.md ("Hosting plan"). In short, a full
// pg_dump/pg_dumpall of a server up to 1 TB runs for hours; Consumption stops a function after
// 10 minutes, Flex Consumption has no custom containers (and pg_dump is not in its images).

@description('Name of the function app (globally unique host name).')
param name string

@description('Azure region of the plan and the app.')
param location string

@description('Tags applied to the plan and the app.')
param tags object = {}

@description('azd service name this app is tagged with (must match azure.yaml).')
param serviceName string = 'pgvault'

@description('Name of the App Service plan.')
param planName string

@description('Plan SKU: EP1-EP3 (Elastic Premium) or P1v3-P3v3 (Dedicated).')
@allowed([
  'EP1'
  'EP2'
  'EP3'
  'P1v3'
  'P2v3'
  'P3v3'
])
param planSku string = 'EP1'

@description('Elastic Premium only: maximum burst of the plan and scale-out limit of the app (1: the always-ready instance only).')
@minValue(1)
@maxValue(100)
param maximumBurst int = 1

@description('Resource id of the app\'s user-assigned managed identity.')
param identityId string

@description('Client id of the app\'s user-assigned managed identity.')
param identityClientId string

@description('Name of the function host\'s storage account (identity-based AzureWebJobsStorage).')
param hostStorageAccountName string

@description('Application Insights connection string (not a secret: local auth is disabled on the component).')
param applicationInsightsConnectionString string

@description('Full image reference, such as myregistry.azurecr.io/pgvault:1.0.0.')
param containerImage string

@description('Resource id of a subnet (delegated to Microsoft.Web/serverFarms) for VNet integration; empty: no integration.')
param integrationSubnetId string = ''

@description('IP ranges (CIDR) allowed to call the app\'s HTTP endpoints; all other inbound traffic is denied. Empty: no inbound HTTP at all (the timer trigger still runs).')
param allowedInboundIpRanges array = []

@description('NCRONTAB schedule of the weekly backup (six fields, with seconds), read by the timer trigger as %BACKUP_SCHEDULE%.')
param backupSchedule string = '0 0 2 * * Sun'

@description('NCRONTAB schedule of the fleet scheduler pass (six fields, with seconds), read by the timer trigger as %SCHEDULER_SCHEDULE%; hourly by default.')
param schedulerSchedule string = '0 0 * * * *'

@description('NCRONTAB schedule of the overdue watch (six fields), read by the watchBackups timer as %WATCH_SCHEDULE%.')
param watchSchedule string = '0 0 * * * *'

@description('NCRONTAB schedule of the restore drills (six fields), read by the restoreDrill timer as %DRILL_SCHEDULE%; monthly by default.')
param drillSchedule string = '0 0 3 1 * *'

@description('pgvault.drill.server.host: the PostgreSQL server drills restore into (never a protected server); empty: no drills.')
param drillServerHost string = ''

@description('pgvault.drill.server.user: login role on the drill server (may create databases); with Entra, the identity\'s role name.')
param drillServerUser string = 'postgres'

@description('pgvault.watch.overdue-days: days a protected server\'s newest committed backup may be old before it is Overdue.')
@minValue(1)
param watchOverdueDays int = 8

@description('Time zone of the schedule (Linux: a tz database name such as Europe/London); empty: UTC.')
param websiteTimeZone string = ''

// ---- pgvault settings (io.pgvault.config.PgvaultConfig) ----

@description('pgvault.server-name: name of the backed-up server, the first path segment of every backup blob.')
@minLength(1)
param backupServerName string

@description('pgvault.pg.host: host name of the PostgreSQL server.')
@minLength(1)
param pgHost string

@description('pgvault.pg.port: TCP port of the PostgreSQL server.')
param pgPort int = 5432

@description('pgvault.pg.user: login role (Entra: the managed identity\'s role name; password: the admin login).')
@minLength(1)
param pgUser string

@description('pgvault.pg.sslmode: TLS is mandatory on Azure, so only require / verify-ca / verify-full.')
@allowed([
  'require'
  'verify-ca'
  'verify-full'
])
param pgSslMode string = 'require'

@description('pgvault.pg.database: database used for inspection and as pg_dumpall\'s connection.')
param pgDatabase string = 'postgres'

@description('pgvault.pg.auth: entra (token of the managed identity, default) or password (Key Vault reference).')
@allowed([
  'entra'
  'password'
])
param pgAuth string = 'entra'

@description('Key Vault secret URI of the PostgreSQL password (pgAuth=password only). Versionless URIs follow rotation.')
param pgPasswordSecretUri string = ''

@description('pgvault.server.tenant-id: tenant of the PostgreSQL server; empty: unknown, not judged.')
param pgServerTenantId string = ''

@description('pgvault.server.subscription-id: subscription of the PostgreSQL server; empty: unknown, not judged.')
param pgServerSubscriptionId string = ''

@description('pgvault.server.region: region of the PostgreSQL server, such as uksouth; empty: unknown, not judged.')
param pgServerRegion string = ''

@description('pgvault.vault.endpoint: blob endpoint of the vault account.')
param vaultEndpoint string

@description('pgvault.vault.container: the backup container.')
param vaultContainerName string

@description('pgvault.vault.access-tier: tier of the backup blobs (Hot, Cool or Cold; never Archive).')
@allowed([
  'Hot'
  'Cool'
  'Cold'
])
param vaultAccessTier string = 'Hot'

@description('pgvault.vault.tenant-id: tenant of the vault account.')
param vaultTenantId string

@description('pgvault.vault.subscription-id: subscription of the vault account.')
param vaultSubscriptionId string

@description('pgvault.vault.region: region of the vault account.')
param vaultRegion string

@description('pgvault.backup.parallelism: databases dumped at once; 0: one per core.')
@minValue(0)
param backupParallelism int = 0

@description('pgvault.backup.compression: zstd (default), gzip:N or none.')
param backupCompression string = 'zstd'

@description('pgvault.backup.block-size-bytes: first block size of each streamed upload (later blocks grow).')
@minValue(1048576)
param backupBlockSizeBytes int = 8388608

@description('pgvault.backup.blocks-in-flight: blocks each upload keeps in flight.')
@minValue(1)
param backupBlocksInFlight int = 4

@description('pgvault.backup.lock-wait-timeout: how long pg_dump waits for a table lock before failing (ISO-8601 duration).')
param backupLockWaitTimeout string = 'PT10M'

@description('pgvault.backup.timeout: longest single pg_dump (ISO-8601 duration). Keep it below host.json functionTimeout.')
param backupTimeout string = 'PT12H'

@description('pgvault.restore.allowed-endpoints: extra blob endpoints a restore may write to (the standard blob endpoint of any account is always allowed).')
param restoreAllowedEndpoints array = []

@description('pgvault.restore.identity-target-accounts: storage accounts a restore may write to with the app\'s identity (a target URL without SAS); any other target needs a SAS. The vault and host accounts are never targets.')
param restoreIdentityTargetAccounts array = []

@description('pgvault.restore.target-tenant-id: tenant assumed for restore targets whose placement is not given.')
param restoreTargetTenantId string = ''

@description('pgvault.restore.target-region: region assumed for restore targets whose placement is not given.')
param restoreTargetRegion string = ''

@description('pgvault.restore.copy-timeout: longest one asynchronous server-side copy may take (ISO-8601 duration).')
param restoreCopyTimeout string = 'PT6H'

@description('pgvault.retention.weekly-weeks: keep the backups of the last N ISO weeks (13 = about 3 months, the default rule of Azure Backup).')
@minValue(1)
param retentionWeeklyWeeks int = 13

@description('pgvault.retention.monthly-months: keep the first backup of each of the last M months; 0: off.')
@minValue(0)
param retentionMonthlyMonths int = 0

@description('pgvault.retention.yearly-years: keep the first backup of each of the last Y years; 0: off.')
@minValue(0)
param retentionYearlyYears int = 0

@description('pgvault.vault.immutability-days: days each committed backup is made immutable (version-level WORM); 0: off. Needs version-level immutability support on the vault container.')
@minValue(0)
param vaultImmutabilityDays int = 0

@description('pgvault.vault.immutability-mode: Unlocked or Locked.')
@allowed(['Unlocked', 'Locked'])
param vaultImmutabilityMode string = 'Unlocked'
@description('pgvault.restore.verify: how restored files are checked: sha256 (read back and hash each file) or size (size and Content-MD5 property, reads nothing).')
@allowed([
  'sha256'
  'size'
])
param restoreVerify string = 'sha256'

var isElastic = startsWith(planSku, 'EP')

// Every app setting of the site. Keys are parsed by InfraConsistencyTest: each PGVAULT_* key must
// be read by the Java config mapping, and each setting the mapping requires must be here.
// Settings the mapping reads that are deliberately NOT set here (the test requires this list):
// pgvault-omitted: PGVAULT_VAULT_CONNECTION_STRING (account keys are disabled; the app uses PGVAULT_VAULT_ENDPOINT with its managed identity)
// pgvault-omitted: PGVAULT_PG_BIN_DIR (the image holds exactly one PostgreSQL client major; the app finds it)
// pgvault-omitted: PGVAULT_FLEET_ALLOWED_HOSTS (default *.postgres.database.azure.com, Azure's Flexible Servers; add self-managed hosts as an app setting)
// pgvault-omitted: PGVAULT_BACKUP_MAX_BLOCKS (Azure's own ceiling, 50,000, the default, is right in Azure; tests lower it to force block growth)
// pgvault-omitted: PGVAULT_BACKUP_SPLIT_DATABASE_BYTES (the default, 8 GiB, suits every plan: a larger database is dumped in parts within PGVAULT_BACKUP_PARALLELISM; tests lower it)
// pgvault-omitted: PGVAULT_BACKUP_TIME_BUDGET (mirrors host.json functionTimeout, which ships in the package; tests lower it)
// pgvault-omitted: PGVAULT_VAULT_RETRY_MAX_TRIES (the Azure SDK's retry policy with its default attempts suits Azure Storage; the fault tests lower it)
// pgvault-omitted: PGVAULT_VAULT_RETRY_DELAY (the default first delay of that policy suits Azure Storage; the fault tests lower it)
// pgvault-omitted: PGVAULT_RESTORE_PRIVATE_SERVER_HOSTS (empty by default: a restore into a server never targets a private, loopback or link-local address; add a VNet server's host as an app setting)
// pgvault-omitted: PGVAULT_RESTORE_SYNC_COPY_MAX_BYTES (Azure's own 256 MiB cap of Copy Blob From URL; the app default is that cap)
// pgvault-omitted: PGVAULT_VERIFY_SCRATCH_DATABASE (test restores into the production server are opt-in; set it by hand to turn them on)
// pgvault-omitted: PGVAULT_QUEUE_RETRY_DELAY (only bin/pgvault fleet run reads it; in Azure host.json's queues.visibilityTimeout spaces the retries)
// pgvault-omitted: PGVAULT_DRILL_SERVER_PASSWORD_REF (the app's drills log in with Entra; a password reference is set by hand with auth=password)
// pgvault-omitted: PGVAULT_VERIFY_SCRATCH_ROLE (only used with PGVAULT_VERIFY_SCRATCH_DATABASE; the default pgvault_scratch suits)
var appSettings = union({
  FUNCTIONS_EXTENSION_VERSION: '~4'
  FUNCTIONS_WORKER_RUNTIME: 'java'
  // JVM options of the Java worker (the host appends them to its java command line): explicit heap, metaspace,
  // code cache and thread stacks, the same as bin/pgvault's, so the worker's memory does not follow the instance's
  // RAM (docs/performance.md, "Pipeline against pgvault, memory, cold start"). -Xmx leaves room for the block schedule's larger blocks.
  // Then the class-data-sharing archive the Dockerfile writes with the image's JVM (docs/performance.md, "Class-data
  // sharing"): -Xshare:auto loads classes as usual if the JVM rejects it, and the cds logs are off so that is silent.
  languageWorkers__java__arguments: '-Xms32m -Xmx1g -XX:MaxMetaspaceSize=192m -XX:ReservedCodeCacheSize=64m -Xss512k -XX:SharedArchiveFile=/home/site/wwwroot/pgvault-worker.jsa -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off'
  // Container app: the code is in the image, /home is not an Azure Files share (no shared key).
  WEBSITES_ENABLE_APP_SERVICE_STORAGE: 'false'
  AzureWebJobsStorage__accountName: hostStorageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  BACKUP_SCHEDULE: backupSchedule
  SCHEDULER_SCHEDULE: schedulerSchedule
  // The same number as host.json's extensions.queues.maxDequeueCount: backupServer records the last attempt Failed.
  PGVAULT_QUEUE_MAX_DEQUEUE_COUNT: '5'
  WATCH_SCHEDULE: watchSchedule
  DRILL_SCHEDULE: drillSchedule
  // pgvault's lines reach Application Insights as invocation logs (io.pgvault.jobs.InvocationLog), with the
  // job's fields in their text; the agent adds no MDC to plain java.util.logging records (docs/operations.md).
  APPLICATIONINSIGHTS_ENABLE_AGENT: 'false'
  PGVAULT_SERVER_NAME: backupServerName
  PGVAULT_PG_HOST: pgHost
  PGVAULT_PG_PORT: string(pgPort)
  PGVAULT_PG_USER: pgUser
  PGVAULT_PG_SSLMODE: pgSslMode
  PGVAULT_PG_DATABASE: pgDatabase
  PGVAULT_PG_AUTH: pgAuth
  PGVAULT_PG_MANAGED_IDENTITY_CLIENT_ID: identityClientId
  PGVAULT_SERVER_TENANT_ID: pgServerTenantId
  PGVAULT_SERVER_SUBSCRIPTION_ID: pgServerSubscriptionId
  PGVAULT_SERVER_REGION: pgServerRegion
  PGVAULT_VAULT_ENDPOINT: vaultEndpoint
  PGVAULT_VAULT_CONTAINER: vaultContainerName
  PGVAULT_VAULT_ACCESS_TIER: vaultAccessTier
  PGVAULT_VAULT_MANAGED_IDENTITY_CLIENT_ID: identityClientId
  PGVAULT_VAULT_TENANT_ID: vaultTenantId
  PGVAULT_VAULT_SUBSCRIPTION_ID: vaultSubscriptionId
  PGVAULT_VAULT_REGION: vaultRegion
  PGVAULT_BACKUP_PARALLELISM: string(backupParallelism)
  PGVAULT_BACKUP_COMPRESSION: backupCompression
  PGVAULT_BACKUP_BLOCK_SIZE_BYTES: string(backupBlockSizeBytes)
  PGVAULT_BACKUP_BLOCKS_IN_FLIGHT: string(backupBlocksInFlight)
  PGVAULT_BACKUP_LOCK_WAIT_TIMEOUT: backupLockWaitTimeout
  PGVAULT_BACKUP_TIMEOUT: backupTimeout
  PGVAULT_RESTORE_ALLOWED_ENDPOINTS: join(restoreAllowedEndpoints, ',')
  PGVAULT_RESTORE_IDENTITY_TARGET_ACCOUNTS: join(restoreIdentityTargetAccounts, ',')
  PGVAULT_RESTORE_TARGET_TENANT_ID: restoreTargetTenantId
  PGVAULT_RESTORE_TARGET_REGION: restoreTargetRegion
  PGVAULT_RESTORE_COPY_TIMEOUT: restoreCopyTimeout
  PGVAULT_VAULT_CLAIM_LEASE_SECONDS: '60'
  PGVAULT_VAULT_IMMUTABILITY_DAYS: string(vaultImmutabilityDays)
  PGVAULT_VAULT_IMMUTABILITY_MODE: vaultImmutabilityMode
  PGVAULT_RETENTION_WEEKLY_WEEKS: string(retentionWeeklyWeeks)
  PGVAULT_RETENTION_MONTHLY_MONTHS: string(retentionMonthlyMonths)
  PGVAULT_RETENTION_YEARLY_YEARS: string(retentionYearlyYears)
  PGVAULT_RETENTION_PRUNE_AFTER_BACKUP: 'true'
  // Job records are deleted this many days after their last change (each server's status document keeps the last ones).
  PGVAULT_JOBS_RETENTION_DAYS: '400'
  PGVAULT_WATCH_OVERDUE_DAYS: string(watchOverdueDays)
  PGVAULT_DRILL_SERVER_HOST: drillServerHost
  PGVAULT_DRILL_SERVER_USER: drillServerUser
  // Drills log in like registered servers: the app's managed identity (Entra), over TLS.
  PGVAULT_DRILL_SERVER_PORT: '5432'
  PGVAULT_DRILL_SERVER_SSLMODE: 'require'
  PGVAULT_DRILL_SERVER_AUTH: 'entra'
  // Above 1 GiB a table's row count in the manifest is the planner's estimate (docs/drills.md measures the cost).
  PGVAULT_BACKUP_EXACT_COUNT_MAX_BYTES: '1073741824'
  PGVAULT_RESTORE_VERIFY: restoreVerify
  // The support matrix's own limits (1 TiB server, 500 MiB bytea), same as the Java defaults.
  PGVAULT_MATRIX_MAX_SERVER_SIZE_BYTES: '1099511627776'
  PGVAULT_MATRIX_MAX_BYTEA_BYTES: '524288000'
}, pgAuth == 'password' ? {
  // Resolved by App Service with keyVaultReferenceIdentity (the user-assigned identity).
  PGVAULT_PG_PASSWORD: '@Microsoft.KeyVault(SecretUri=${pgPasswordSecretUri})'
} : {}, empty(websiteTimeZone) ? {} : {
  WEBSITE_TIME_ZONE: websiteTimeZone
})

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: isElastic ? 'elastic' : 'linux'
  sku: isElastic ? {
    name: planSku
    tier: 'ElasticPremium'
    family: 'EP'
  } : {
    name: planSku
    tier: 'PremiumV3'
  }
  properties: {
    reserved: true
    // One always-ready instance; with maximumBurst 1 (the default) a running multi-hour dump is never
    // on an instance that scale-in removes (Premium only guarantees 60 minutes of grace on
    // scale-in). A larger burst lets the scale controller add instances for queue-triggered work.
    maximumElasticWorkerCount: isElastic ? maximumBurst : null
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, {
    'azd-service-name': serviceName
  })
  kind: 'functionapp,linux,container'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    reserved: true
    httpsOnly: true
    clientAffinityEnabled: false
    // Key Vault references (PGVAULT_PG_PASSWORD fallback) resolve with the user-assigned identity.
    keyVaultReferenceIdentity: identityId
    virtualNetworkSubnetId: empty(integrationSubnetId) ? null : integrationSubnetId
    // With integration, all outbound traffic (PostgreSQL, storage, DNS) goes through the VNet, so
    // private DNS zones linked to it resolve private-endpoint PostgreSQL servers.
    vnetRouteAllEnabled: !empty(integrationSubnetId)
    siteConfig: {
      linuxFxVersion: 'DOCKER|${containerImage}'
      // Pull from ACR with the identity (AcrPull in rbac.bicep); no registry credentials.
      acrUseManagedIdentityCreds: true
      acrUserManagedIdentityID: identityClientId
      alwaysOn: !isElastic
      functionAppScaleLimit: isElastic ? maximumBurst : null
      minimumElasticInstanceCount: isElastic ? 1 : null
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      http20Enabled: true
      // The HTTP endpoints need a function key (authLevel FUNCTION, set by the pom's package step);
      // on top of that, inbound traffic is denied unless the caller's range is listed. The timer
      // trigger needs no inbound traffic.
      ipSecurityRestrictionsDefaultAction: 'Deny'
      ipSecurityRestrictions: [for (range, i) in allowedInboundIpRanges: {
        name: 'allow-${i}'
        ipAddress: range
        action: 'Allow'
        priority: 100 + i
      }]
      scmIpSecurityRestrictionsUseMain: true
      appSettings: [for setting in items(appSettings): {
        name: setting.key
        value: setting.value
      }]
    }
  }
}

// No publishing with user names and passwords (FTP, Kudu basic auth).
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

output NAME string = site.name
output DEFAULT_HOST_NAME string = site.properties.defaultHostName
output PLAN_NAME string = plan.name
