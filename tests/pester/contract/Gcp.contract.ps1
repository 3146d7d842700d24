# Google Cloud Run functions against tests/infra/fake-gcp (OAuth, Cloud Functions v2, Cloud Run, Logging, Datastore,
# GCS, all checked as the services check them; the deployed source runs in worker processes).
@{
    Name               = 'Gcp (Cloud Run functions, fake-gcp)'
    Platform           = 'Gcp'
    Languages          = @('python', 'nodejs')
    Triggers           = @('Http')
    Memory             = @(256, 512)
    NoSql              = $true
    Metrics            = 'ProviderTime'
    CleanupKinds       = @('function', 'database', 'bucket')
    Start              = {
        param($Root)
        Import-Module (Join-Path $PSScriptRoot '../GcpTestHelpers.psm1') -Force -Global
        $fake = Start-FakeGcp -Root (Join-Path $Root 'fake')
        $config = New-GcpTestConfig -Fake $fake -ResourcesId 'contract'
        @{ Skip = $null; Arguments = @{ Platform = 'Gcp'; ConfigPath = $config; CachePath = (Join-Path $Root 'cache') }
           Environment = @{ GOOGLE_APPLICATION_CREDENTIALS = $null; GCP_SECRET_APPLICATION_CREDENTIALS = $null }; State = $fake }
    }
    Stop               = { param($Context) if ($Context.State) { Stop-FakeGcp $Context.State } }
    MissingCredentials = {
        param($Root, $Context)
        $config = New-GcpTestConfig -Fake $Context.State -NoCredentials -ResourcesId 'contract' -Name 'no-credentials.json'
        @{ Arguments = @{ Platform = 'Gcp'; ConfigPath = $config; CachePath = (Join-Path $Root 'cache-nocreds') }
           Environment = @{ GOOGLE_APPLICATION_CREDENTIALS = $null; GCP_SECRET_APPLICATION_CREDENTIALS = $null; CLOUDSDK_CONFIG = (Join-Path $Root 'no-gcloud') } }
    }
    Inspect            = {
        param($Context, $FunctionName)
        $f = Get-FakeGcpFunctions -Fake $Context.State | Where-Object name -eq $FunctionName
        @{ Exists = [bool]$f; MemoryMB = if ($f) { [int]($f.memory -replace 'Mi$', '') } else { 0 } }
    }
}
