# The Azure Functions platform end to end through the cmdlets, against tests/infra/fake-azure (Entra token endpoint,
# ARM, SCM One Deploy, the Functions host running the deployed package's real wrapper in worker processes, the
# Application Insights query API) and azurite for Blob storage. The client code is the one used on Azure.
BeforeAll {
    Import-Module $env:SEBS_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SebsTestHelpers.psm1') -Force
    $script:services = Get-SebsTestServices
    $script:root = Join-Path ([IO.Path]::GetTempPath()) ("sebs-azure-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $script:cache = Join-Path $root 'cache'
    New-Item -ItemType Directory -Path $root | Out-Null
    $script:skip = $null
    if (-not $services.SEBS_TEST_AZURITE_ENDPOINT) { $script:skip = 'no azurite (tests/infra/start-services.sh)' }
    $script:python = if (Test-Path /usr/bin/python3) { '/usr/bin/python3' } else { 'python3' }
    $script:tenant = '11111111-2222-3333-4444-555555555555'
    $script:subscription = '00000000-0000-0000-0000-00000000beef'
    $script:data = if ($env:SEBS_BENCHMARK_DATA) { $env:SEBS_BENCHMARK_DATA } else { Join-Path $PSScriptRoot '../../../shared/benchmark-data' }
    $script:blob = "http://$($services.SEBS_TEST_AZURITE_ENDPOINT)/{account}"

    function Start-FakeAzure {
        param([string[]]$Extra = @())
        $psi = [Diagnostics.ProcessStartInfo]::new('python3')
        foreach ($a in @((Join-Path $PSScriptRoot '../infra/fake-azure/fake_azure.py'), '--port', '0', '--tenant', $tenant,
                '--subscription', $subscription, '--storage-key', $services.SEBS_TEST_AZURITE_KEY, '--blob-endpoint', $blob,
                '--python', $python, '--op-delay', '0.3', '--restart-delay', '0.6', '--telemetry-delay', '1.5',
                '--function-env', "NODE_PATH=$(Join-Path $PSScriptRoot '../../.tools/npm-azure-sdk/node_modules')",
                '--log', (Join-Path $root 'fake-azure.log')) + $Extra) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true   # stderr stays the test run's: an unread pipe could fill and stall the fake
        $p = [Diagnostics.Process]::Start($psi)
        $line = $p.StandardOutput.ReadLineAsync()
        if (-not $line.Wait(20000) -or $line.Result -notmatch '^READY (\d+) (\d+) (\S+)') { $p.Kill(); throw "fake Azure did not start: $($line.Result)" }
        [pscustomobject]@{ Process = $p; Url = "http://127.0.0.1:$($Matches[1])"; Authority = "https://127.0.0.1:$($Matches[2])"; Certificate = $Matches[3] }
    }

    # Endpoints only by default: credentials and the subscription come from the environment, as in the README.
    function New-AzureTestConfig {
        param($Fake, [string]$ResourcesId = 'azpester', [hashtable]$Extra = @{}, [switch]$ConfigCredentials)
        $azure = [ordered]@{
            region = 'westeurope'
            resources = @{ resources_id = $ResourcesId }
            endpoints = @{ arm = $Fake.Url; scm = "$($Fake.Url)/scm/{app}"; storage = $blob; appinsights = $Fake.Url
                authority = $Fake.Authority; 'authority-certificate' = $Fake.Certificate }
            'dependency-installer' = 'host'
            'poll-interval' = 0.1
            'metrics-timeout' = 20
        }
        foreach ($k in $Extra.Keys) { $azure[$k] = $Extra[$k] }
        if ($ConfigCredentials) {
            $azure.subscription_id = $subscription
            $azure.credentials = @{ appId = 'sebs-test-client'; tenant = $tenant; password = 'sebs-test-secret' }
        }
        $path = Join-Path $root ("azure-" + [guid]::NewGuid().ToString('N').Substring(0, 6) + '.json')
        @{ deployment = @{ name = 'azure'; azure = $azure } } | ConvertTo-Json -Depth 8 | Set-Content $path
        $path
    }

    # SIGTERM lets the fake stop its workers and remove its temp folder (Process.Kill would be SIGKILL).
    function Stop-FakeAzure($Fake) {
        if (-not $Fake) { return }
        & kill -TERM $Fake.Process.Id 2>$null
        if (-not $Fake.Process.WaitForExit(5000)) { $Fake.Process.Kill() }
    }

    function Get-FakeState { Invoke-RestMethod "$($fake.Url)/__fake/state" }
    function Get-FakeApp([string]$Name) { (Get-FakeState).apps | Where-Object name -eq $Name }
    function Add-FakeFault([hashtable]$Fault) { Invoke-RestMethod -Method Post "$($fake.Url)/__fake/inject" -Body ($Fault | ConvertTo-Json) -ContentType 'application/json' | Out-Null }
    function Get-FakeLog { Get-Content (Join-Path $root 'fake-azure.log') }
    function Get-FakeLogText { (Get-FakeLog) -join "`n" }

    $script:savedEnv = @{}
    foreach ($v in 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_TENANT_ID', 'AZURE_SUBSCRIPTION_ID', 'AZURE_SECRET_APPLICATION_ID', 'AZURE_SECRET_TENANT', 'AZURE_SECRET_PASSWORD', 'SEBS_CACHE') {
        $savedEnv[$v] = [Environment]::GetEnvironmentVariable($v)
    }
    if (-not $skip) {
        $script:fake = Start-FakeAzure
        $script:cfg = New-AzureTestConfig $fake
        $env:AZURE_CLIENT_ID = 'sebs-test-client'; $env:AZURE_CLIENT_SECRET = 'sebs-test-secret'; $env:AZURE_TENANT_ID = $tenant
        $env:AZURE_SUBSCRIPTION_ID = $subscription
    }
}

AfterAll {
    foreach ($k in $savedEnv.Keys) { [Environment]::SetEnvironmentVariable($k, $savedEnv[$k]) }
    Stop-FakeAzure $fake
    Remove-Item -Recurse -Force $root -ErrorAction SilentlyContinue
}

Describe 'Azure Functions platform' {
    It 'runs the README line: Invoke-SebsBenchmark 110.dynamic-html -Platform Azure -Size test | Export-Csv results.csv' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        # The README's set-up: credentials and subscription in the environment; the config only points at the fakes.
        $env:SEBS_CACHE = $cache
        $PSDefaultParameterValues['Invoke-SebsBenchmark:ConfigPath'] = $cfg
        Push-Location $root
        try {
            Invoke-SebsBenchmark 110.dynamic-html -Platform Azure -Size test | Export-Csv results.csv
        }
        finally { Pop-Location; $PSDefaultParameterValues.Remove('Invoke-SebsBenchmark:ConfigPath') }
        $rows = @(Import-Csv (Join-Path $root 'results.csv'))
        $rows.Count | Should -Be 5
        $rows | ForEach-Object { $_.Platform | Should -Be 'Azure'; $_.Failed | Should -Be 'False'; $_.RequestId | Should -Match '^[0-9a-f-]{36}$' }
        $rows[0].IsCold | Should -Be 'True'
        @($rows | Select-Object -Skip 1 | Where-Object IsCold -eq 'True') | Should -BeNullOrEmpty
        $app = Get-FakeApp 'sebs-azpester-110-python-3-11'
        $app.flex | Should -BeTrue
        $app.memory | Should -Be 2048   # 110's own 128 MB is not a Flex size: the Flex default
        $app.settings | Should -Contain 'AzureWebJobsStorage'
        $app.settings | Should -Contain 'APPLICATIONINSIGHTS_CONNECTION_STRING'
        $app.settings | Should -Contain 'STORAGE_CONNECTION_STRING'
        $app.settings | Should -Not -Contain 'FUNCTIONS_WORKER_RUNTIME'
        $app.functionTimeout | Should -Not -BeNullOrEmpty
        # Nothing secret in the cache: the storage key and connection strings are fetched per session.
        Get-ChildItem $cache -Recurse -File -Filter *.json | Get-Content -Raw | Should -Not -Match ([regex]::Escape($services.SEBS_TEST_AZURITE_KEY))
        Get-FakeLogText | Should -Match 'POST /scm/sebs-azpester-110-python-3-11/api/publish 202'
        (Get-FakeState).resources | Should -Contain "/subscriptions/$subscription/resourceGroups/sebs-resource-group-azpester/providers/Microsoft.Insights/components/sebs-insights-azpester"
    }

    It 'forces cold starts by an app-setting change and waits for the new host; IsCold comes from the wrapper' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $r = @(Invoke-SebsBenchmark 110.dynamic-html -Platform Azure -ConfigPath $cfg -CachePath $cache -Repetitions 3 -ColdStart)
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        $r | ForEach-Object { $_.IsCold | Should -BeTrue }
        @($r.ContainerId | Select-Object -Unique).Count | Should -Be 3
        $counter = (Get-FakeApp 'sebs-azpester-110-python-3-11').coldStartSetting
        $counter | Should -Not -BeNullOrEmpty
        $r[-1].Output['cold_start_var'] | Should -Be $counter
        (Get-FakeLog | Select-String 'GET /app/sebs-azpester-110-python-3-11/admin/host/status 200').Count | Should -BeGreaterOrEqual 3
        # Settings merged, never clobbered: the storage settings survived every ForceColdStart change.
        (Get-FakeApp 'sebs-azpester-110-python-3-11').settings | Should -Contain 'AzureWebJobsStorage'
    }

    It 'Get-SebsMetrics fills ProviderMs from Application Insights, re-reading while telemetry lags' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $r = @(Invoke-SebsBenchmark 110.dynamic-html -Platform Azure -ConfigPath $cfg -CachePath $cache -Repetitions 3)
        ($r | Where-Object Failed) | Should -BeNullOrEmpty
        $r | ForEach-Object { $_.ProviderMs | Should -Be 0 }
        $enriched = @($r | Get-SebsMetrics -Platform Azure -ConfigPath $cfg -CachePath $cache)
        $enriched.Count | Should -Be 3
        $enriched | ForEach-Object { $_.ProviderMs | Should -BeGreaterThan 0; $_.ProviderMs | Should -BeLessThan $_.ClientMs }
        # The first query ran before the telemetry was visible (1.5 s late): it was asked again.
        (Get-FakeLog | Select-String 'POST /v1/apps/[0-9a-f-]+/query 200').Count | Should -BeGreaterOrEqual 2
    }

    It 'updates memory on Flex and refuses sizes Flex does not have, naming the allowed ones' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $r = @(Invoke-SebsBenchmark 110.dynamic-html -Platform Azure -ConfigPath $cfg -CachePath $cache -Repetitions 1 -Memory 4096)
        $r[0].Failed | Should -BeFalse
        (Get-FakeApp 'sebs-azpester-110-python-3-11').memory | Should -Be 4096
        $r[0].Billing.MemoryMB | Should -Be 4096
        # The timeout lives in host.json: a new one redeploys the package with it.
        $r = @(Invoke-SebsBenchmark 110.dynamic-html -Platform Azure -ConfigPath $cfg -CachePath $cache -Repetitions 1 -Memory 4096 -Timeout 45)
        $r[0].Failed | Should -BeFalse
        (Get-FakeApp 'sebs-azpester-110-python-3-11').functionTimeout | Should -Be '00:00:45'
        { Invoke-SebsBenchmark 110.dynamic-html -Platform Azure -ConfigPath $cfg -CachePath $cache -Repetitions 1 -Memory 1024 -ErrorAction Stop } |
            Should -Throw '*512, 2048 or 4096*'
    }

    It 'runs 311.compression with its input in Blob storage (uploaded once) and its output written back by the function' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $r = @(Invoke-SebsBenchmark 311.compression -Platform Azure -ConfigPath $cfg -CachePath $cache -Repetitions 2 -Memory 2048 -DataPath $data)
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        $key = $r[0].Result['result']['key']
        $key | Should -Match '\.zip$'
        $r[0].Result['measurement']['download_size'] | Should -BeGreaterThan 0
        $r[1].Result['result']['key'] | Should -Not -Be $key
    }

    It 'retries 429 with Retry-After and "another operation is in progress" (409) through the shared pipeline' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $app = 'sebs-azpester-110-python-3-11'
        $setting = (Get-FakeApp $app).coldStartSetting
        $before = @(Get-FakeLog).Count
        Add-FakeFault @{ method = 'PUT'; path_contains = '/config/appsettings'; status = 429; code = 'TooManyRequests'; message = 'The request is being throttled.'; retry_after = 1 }
        Add-FakeFault @{ method = 'PUT'; path_contains = '/config/appsettings'; status = 409; code = 'Conflict'; message = 'There was a conflict. Another operation is in progress on the site. Please retry later.' }
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $r = @(Invoke-SebsBenchmark 110.dynamic-html -Platform Azure -ConfigPath $cfg -CachePath $cache -Repetitions 1 -ColdStart)
        $elapsed = $sw.Elapsed.TotalSeconds
        $r[0].Failed | Should -BeFalse
        $r[0].IsCold | Should -BeTrue
        # This run's PUT met both faults (none is left for a later test), because the cold start changed the setting.
        (Get-FakeApp $app).coldStartSetting | Should -Not -Be $setting
        (Get-FakeState).injections | Should -Be 0
        $log = Get-FakeLog | Select-Object -Skip $before
        @($log | Select-String 'PUT /subscriptions/.*/config/appsettings 429').Count | Should -Be 1
        @($log | Select-String 'PUT /subscriptions/.*/config/appsettings 409').Count | Should -Be 1
        @($log | Select-String 'PUT /subscriptions/.*/config/appsettings 200').Count | Should -Be 1
        $elapsed | Should -BeGreaterThan 1   # the 429's Retry-After: 1 was waited for
    }

    It 'reports an ARM error''s code and message in the ErrorRecord' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        Add-FakeFault @{ method = 'PUT'; path_contains = '/serverfarms/'; status = 400; code = 'SubscriptionIsOverQuotaForSku'; message = 'This region has quota of 0 instances for your subscription. Try selecting different region or SKU.' }
        $err = $null
        Invoke-SebsBenchmark 010.sleep -Platform Azure -ConfigPath $cfg -CachePath $cache -Repetitions 1 -Memory 512 -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err | Should -Not -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Match '^Sebs.CloudRequestFailed'
        $err[0].Exception.Message | Should -Match 'SubscriptionIsOverQuotaForSku'
        $err[0].Exception.Message | Should -Match 'quota of 0 instances'
        $err[0].Exception.Message | Should -Match 'HTTP 400'
    }

    It 'perf-cost runs on Azure and its HTTP results get provider times' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $o = Join-Path $root 'perf'
        $r = @(Start-SebsExperiment perf-cost -Platform Azure -ConfigPath $cfg -CachePath $cache -Benchmark 010.sleep -Experiments cold, warm `
            -Repetitions 2 -ConcurrentInvocations 2 -MemorySize 512 -BatchPause 0 -OutputPath $o)
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        ($r | Where-Object ExperimentType -eq 'cold').IsCold | Should -Not -Contain $false
        $r | ForEach-Object { $_.ProviderMs | Should -BeGreaterThan 0 }
        Join-Path $o 'perf-cost/cold_results_512.json' | Should -Exist
    }

    It 'network-ping-pong, invocation-overhead and eviction-model run on Azure (servers on this machine, results through Blob)' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $o = Join-Path $root 'overhead'
        $r = @(Start-SebsExperiment invocation-overhead -Platform Azure -ConfigPath $cfg -CachePath $cache -ServerAddress 127.0.0.1 -ServerPort 0 `
            -Repetitions 1 -N 2 -PayloadBegin 1024 -PayloadEnd 4096 -PayloadPoints 2 -OutputPath $o)
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        @($r | Where-Object ExperimentType -eq 'cold').Count | Should -Be 2
        $rows = @(Get-SebsExperimentResult (Join-Path $o 'invocation-overhead/payload'))
        $rows.Count | Should -Be 4
        $rows | ForEach-Object { $_.ClockDriftMeanSeconds | Should -Not -BeNullOrEmpty }

        $n = Join-Path $root 'ping'
        $r = @(Start-SebsExperiment network-ping-pong -Platform Azure -ConfigPath $cfg -CachePath $cache -ServerAddress 127.0.0.1 -ServerPort 0 `
            -Invocations 2 -Repetitions 5 -Threads 2 -OutputPath $n)
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        @(Get-SebsExperimentResult $n network-ping-pong).Count | Should -Be 10

        $e = Join-Path $root 'eviction'
        $r = @(Start-SebsExperiment eviction-model -Platform Azure -ConfigPath $cfg -CachePath $cache -ServerAddress 127.0.0.1 -ServerPort 0 `
            -Repetitions 1 -Invocations 1 -Times 0 -OutputPath $e)
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        @(Get-SebsExperimentResult $e eviction-model).Count | Should -Be 1
    }

    It 'names the results Application Insights has no telemetry for (Flex misses cold starts)' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $lossy = Start-FakeAzure -Extra @('--drop-cold-telemetry')
        try {
            $lossyCfg = New-AzureTestConfig $lossy -ResourcesId 'azpester2' -Extra @{ 'metrics-timeout' = 2 }
            $c = Join-Path $root 'c-lossy'
            $r = @(Invoke-SebsBenchmark 010.sleep -Platform Azure -ConfigPath $lossyCfg -CachePath $c -Repetitions 2 -Memory 512 -Payload @{ sleep = 0.01 })
            ($r | Where-Object Failed) | Should -BeNullOrEmpty
            $warnings = $null
            $m = @($r | Get-SebsMetrics -Platform Azure -ConfigPath $lossyCfg -CachePath $c -WarningVariable warnings -WarningAction SilentlyContinue)
            $m[0].ProviderMs | Should -Be 0
            $m[1].ProviderMs | Should -BeGreaterThan 0
            ($warnings -join "`n") | Should -Match ([regex]::Escape($r[0].RequestId))
            ($warnings -join "`n") | Should -Not -Match ([regex]::Escape($r[1].RequestId))
        }
        finally { Stop-FakeAzure $lossy }
    }

    It 'deploys on classic Linux Consumption (Y1) through a package URL' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $r = @(Invoke-SebsBenchmark 010.sleep -Platform Azure -ConfigPath $cfg -CachePath $cache -Repetitions 2 -FunctionName 'sebs-azpester-y1-sleep' `
            -PlatformOption @{ HostingPlan = 'Consumption' } -Payload @{ sleep = 0.01 })
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        $r[0].IsCold | Should -BeTrue
        $app = Get-FakeApp 'sebs-azpester-y1-sleep'
        $app.flex | Should -BeFalse
        $app.settings | Should -Contain 'WEBSITE_RUN_FROM_PACKAGE'
        $app.settings | Should -Contain 'FUNCTIONS_WORKER_RUNTIME'
        Get-FakeLogText | Should -Match 'POST /subscriptions/.*/sites/sebs-azpester-y1-sleep/syncfunctiontriggers 204'
    }

    It 'Remove-SebsResource -Platform Azure removes what Sebs created (-WhatIf removes nothing)' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $listed = @(Get-SebsResource -Platform Azure -ConfigPath $cfg -CachePath $cache)
        $listed.Kind | Should -Contain 'function'
        $listed.Kind | Should -Contain 'resource-group'
        Remove-SebsResource -Platform Azure -ConfigPath $cfg -CachePath $cache -WhatIf
        (Get-FakeState).apps.Count | Should -BeGreaterThan 0
        Remove-SebsResource -Platform Azure -ConfigPath $cfg -CachePath $cache -Confirm:$false
        $state = Get-FakeState
        @($state.apps) | Should -BeNullOrEmpty
        @($state.resources) | Should -BeNullOrEmpty
        Get-SebsFunction -Platform Azure -CachePath $cache | Should -BeNullOrEmpty
    }
}

Describe 'Azure credentials' {
    It 'names the missing credentials before any call' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $before = @(Get-FakeLog).Count
        $saved = $env:AZURE_CLIENT_ID, $env:AZURE_CLIENT_SECRET, $env:AZURE_CONFIG_DIR
        try {
            $env:AZURE_CLIENT_ID = $null; $env:AZURE_CLIENT_SECRET = $null; $env:AZURE_CONFIG_DIR = Join-Path $root 'no-az-login'
            { Invoke-SebsBenchmark 010.sleep -Platform Azure -ConfigPath $cfg -CachePath (Join-Path $root 'c2') -ErrorAction Stop } |
                Should -Throw -ErrorId 'Sebs.MissingCredentials*'
        }
        finally { $env:AZURE_CLIENT_ID, $env:AZURE_CLIENT_SECRET, $env:AZURE_CONFIG_DIR = $saved }
        @(Get-FakeLog).Count | Should -Be $before
    }

    It 'names a missing subscription before any call' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $before = @(Get-FakeLog).Count
        $saved = $env:AZURE_SUBSCRIPTION_ID
        try {
            $env:AZURE_SUBSCRIPTION_ID = $null
            { Invoke-SebsBenchmark 010.sleep -Platform Azure -ConfigPath $cfg -CachePath (Join-Path $root 'c3') -ErrorAction Stop } |
                Should -Throw '*subscription*'
        }
        finally { $env:AZURE_SUBSCRIPTION_ID = $saved }
        @(Get-FakeLog).Count | Should -Be $before
    }

    It 'takes SeBS''s AZURE_SECRET_* variables' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $saved = $env:AZURE_CLIENT_ID, $env:AZURE_CLIENT_SECRET
        try {
            $env:AZURE_CLIENT_ID = $null; $env:AZURE_CLIENT_SECRET = $null
            $env:AZURE_SECRET_APPLICATION_ID = 'sebs-test-client'; $env:AZURE_SECRET_TENANT = $tenant; $env:AZURE_SECRET_PASSWORD = 'sebs-test-secret'
            $listed = @(Get-SebsResource -Platform Azure -ConfigPath $cfg -CachePath (Join-Path $root 'c6'))
            $listed | Should -BeNullOrEmpty   # signed in and asked ARM: nothing created under this cache yet
            Get-FakeLogText | Should -Match "GET /subscriptions/$subscription/resourceGroups/sebs-resource-group-azpester 404"
        }
        finally {
            $env:AZURE_CLIENT_ID, $env:AZURE_CLIENT_SECRET = $saved
            $env:AZURE_SECRET_APPLICATION_ID = $null; $env:AZURE_SECRET_TENANT = $null; $env:AZURE_SECRET_PASSWORD = $null
        }
    }

    It 'takes SeBS''s config credentials (appId/tenant/password); a wrong secret is Entra''s error, without the secret' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $withCreds = New-AzureTestConfig $fake -ResourcesId 'azpester2' -ConfigCredentials
        $f = New-SebsFunction 010.sleep -Platform Azure -ConfigPath $withCreds -CachePath (Join-Path $root 'c4') -Memory 512
        $f.Platform | Should -Be 'Azure'
        $f.Url | Should -Match '/app/sebs-azpester2-010-python-3-11/api/handler$'
        $saved = $env:AZURE_CLIENT_SECRET
        try {
            $env:AZURE_CLIENT_SECRET = 'wrong-secret'
            $err = $null
            New-SebsFunction 010.sleep -Platform Azure -ConfigPath $cfg -CachePath (Join-Path $root 'c5') -Memory 512 -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
            $err[0].FullyQualifiedErrorId | Should -Match '^Sebs.MissingCredentials'
            $err[0].Exception.Message | Should -Match 'AADSTS7000215'
            $err[0].Exception.Message | Should -Not -Match 'wrong-secret'
        }
        finally { $env:AZURE_CLIENT_SECRET = $saved }
    }
}
