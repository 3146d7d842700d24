# Azure Functions against tests/infra/fake-azure (Entra, ARM, SCM, Functions host, Application Insights) and azurite.
@{
    Name               = 'Azure (fake ARM/SCM/host, azurite Blob)'
    Platform           = 'Azure'
    Languages          = @('python', 'nodejs')
    Triggers           = @('Http')
    Memory             = @(512, 2048)   # Flex Consumption instance sizes
    NoSql              = $true
    Metrics            = 'ProviderTime'
    CleanupKinds       = @('function', 'resource-group')
    Start              = {
        param($Root)
        $services = Get-SebsTestServices
        if (-not $services.SEBS_TEST_AZURITE_ENDPOINT) { return @{ Skip = 'no azurite (tests/infra/start-services.sh)' } }
        $tenant = '11111111-2222-3333-4444-555555555555'; $subscription = '00000000-0000-0000-0000-00000000beef'
        $blob = "http://$($services.SEBS_TEST_AZURITE_ENDPOINT)/{account}"
        $python = if (Test-Path /usr/bin/python3) { '/usr/bin/python3' } else { 'python3' }
        $psi = [Diagnostics.ProcessStartInfo]::new('python3')
        foreach ($a in @((Join-Path $PSScriptRoot '../../infra/fake-azure/fake_azure.py'), '--port', '0', '--tenant', $tenant, '--subscription', $subscription,
                '--storage-key', $services.SEBS_TEST_AZURITE_KEY, '--blob-endpoint', $blob, '--python', $python, '--op-delay', '0.2',
                '--restart-delay', '0.3', '--telemetry-delay', '0.5',
                '--function-env', "NODE_PATH=$(Join-Path $PSScriptRoot '../../../.tools/npm-azure-sdk/node_modules')")) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true
        $p = [Diagnostics.Process]::Start($psi)
        $line = $p.StandardOutput.ReadLineAsync()
        if (-not $line.Wait(20000) -or $line.Result -notmatch '^READY (\d+) (\d+) (\S+)') { $p.Kill(); return @{ Skip = "fake Azure did not start: $($line.Result)" } }
        $url = "http://127.0.0.1:$($Matches[1])"
        $config = Join-Path $Root 'azure.json'
        @{ deployment = @{ name = 'azure'; azure = @{ region = 'westeurope'; subscription_id = $subscription; resources = @{ resources_id = 'azcontract' }
            credentials = @{ appId = 'sebs-test-client'; tenant = $tenant; password = 'sebs-test-secret' }
            endpoints = @{ arm = $url; scm = "$url/scm/{app}"; storage = $blob; appinsights = $url; authority = "https://127.0.0.1:$($Matches[2])"; 'authority-certificate' = $Matches[3] }
            'dependency-installer' = 'host'; 'poll-interval' = 0.1; 'metrics-timeout' = 20 } } } | ConvertTo-Json -Depth 8 | Set-Content $config
        @{ Skip = $null; Arguments = @{ Platform = 'Azure'; ConfigPath = $config; CachePath = (Join-Path $Root 'cache') }; Environment = @{}; State = @{ Process = $p; Url = $url } }
    }
    Stop               = {
        param($Context)
        # SIGTERM: the fake stops its workers and removes its temp folder.
        if ($p = $Context.State.Process) { & kill -TERM $p.Id 2>$null; if (-not $p.WaitForExit(5000)) { $p.Kill() } }
    }
    MissingCredentials = {
        param($Root, $Context)
        $config = Join-Path $Root 'azure-nocreds.json'
        (Get-Content $Context.Arguments.ConfigPath -Raw | ConvertFrom-Json -AsHashtable) | ForEach-Object { $_.deployment.azure.Remove('credentials'); $_ } |
            ConvertTo-Json -Depth 8 | Set-Content $config
        @{ Arguments = @{ Platform = 'Azure'; ConfigPath = $config; CachePath = (Join-Path $Root 'cache-nocreds') }
           Environment = @{ AZURE_CLIENT_ID = $null; AZURE_CLIENT_SECRET = $null; AZURE_SECRET_APPLICATION_ID = $null; AZURE_CONFIG_DIR = (Join-Path $Root 'no-az') } }
    }
    Inspect            = {
        param($Context, $FunctionName)
        $app = (Invoke-RestMethod "$($Context.State.Url)/__fake/state").apps | Where-Object name -eq $FunctionName
        @{ Exists = $null -ne $app; MemoryMB = $app.memory }
    }
}
