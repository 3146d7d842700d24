# Secret scan (issue: nothing leaks): fake secrets go in through every credential source Sebs reads (each registered
# platform's credential variables, the usual cloud variables, and the secret keys of a SeBS config), then every file a
# run writes (cache, results journal, logs, experiment outputs, exported results, charts) and every function's
# environment are searched for them.
BeforeDiscovery {
    $dockerUp = $false
    if (Get-Command docker -ErrorAction SilentlyContinue) {
        docker info *> $null
        $dockerUp = $LASTEXITCODE -eq 0 -and [bool](docker images -q sebs/run.local.python:3.11 2>$null)
    }
}

BeforeAll {
    Import-Module $env:SEBS_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SebsTestHelpers.psm1') -Force
    $script:root = Join-Path ([IO.Path]::GetTempPath()) ("sebs-secrets-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory $root | Out-Null
    $script:suite = Join-Path $PSScriptRoot 'benchmarks'
    $script:cache = Join-Path $root 'cache'

    # Every credential variable a registered platform declares, plus the ones the cloud SDKs read by themselves.
    $variables = @(Get-SebsPlatform | ForEach-Object { $_.CredentialVariables }) + @(
        'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_TENANT_ID',
        'AZURE_SUBSCRIPTION_ID', 'GOOGLE_APPLICATION_CREDENTIALS', 'GOOGLE_CLOUD_PROJECT', 'GITHUB_TOKEN', 'NUGET_API_KEY') | Sort-Object -Unique
    $script:secrets = @{}
    $script:savedEnv = @{}
    foreach ($v in $variables) {
        $savedEnv[$v] = [Environment]::GetEnvironmentVariable($v)
        $secrets["env:$v"] = "sebsfake$($v.ToLower() -replace '[^a-z]', '')$([guid]::NewGuid().ToString('N').Substring(0, 12))"
        [Environment]::SetEnvironmentVariable($v, $secrets["env:$v"])
    }
    foreach ($k in 'aws_access', 'aws_secret', 'azure_password', 'gcp_key', 'local_token') {
        $secrets["config:$k"] = "sebsfakeconfig$k$([guid]::NewGuid().ToString('N').Substring(0, 12))" -replace '_', ''
    }
    $script:config = Join-Path $root 'config.json'
    @{
        experiments = @{ update_code = $false; update_storage = $false; download_results = $false; architecture = 'x64'
            'perf-cost' = @{ repetitions = 2; 'memory-sizes' = @(128) } }
        deployment  = @{
            name  = 'local'
            local = @{ api_token = $secrets['config:local_token'] }
            aws   = @{ region = 'us-east-1'; credentials = @{ access_key = $secrets['config:aws_access']; secret_key = $secrets['config:aws_secret'] } }
            azure = @{ region = 'westeurope'; secrets = @{ appId = 'app'; tenant = 'tenant'; password = $secrets['config:azure_password'] } }
            gcp   = @{ region = 'europe-west1'; project_name = 'p'; credentials = @{ private_key = $secrets['config:gcp_key'] } }
        }
    } | ConvertTo-Json -Depth 10 | Set-Content $config

    function Find-Secrets([string]$text) { foreach ($s in $secrets.GetEnumerator()) { if ($text.Contains($s.Value)) { $s.Key } } }
}

AfterAll {
    foreach ($v in $savedEnv.Keys) { [Environment]::SetEnvironmentVariable($v, $savedEnv[$v]) }
    Remove-SebsTestFunctions -Root $root
    Remove-Item -Recurse -Force $root -ErrorAction SilentlyContinue
}

Describe 'Secret scan' {
    It 'functions in a <_> sandbox get only what they need: no credential from the environment' -ForEach @('Process'; if ($dockerUp) { 'Docker' }) {
        $r = @(Invoke-SebsBenchmark 903.faults -BenchmarkPath $suite -Payload @{ mode = 'env' } -Repetitions 1 -Sandbox $_ `
                -ConfigPath $config -CachePath $cache -ResultsPath (Join-Path $root "results-$_.jsonl") -FunctionName "secret-scan-$($_.ToLower())")
        $r[0].Failed | Should -BeFalse -Because $r[0].ErrorMessage
        $envJson = $r[0].GetResultJson()['env'].ToJsonString()
        @(Find-Secrets $envJson) | Should -BeNullOrEmpty
        $names = @(($envJson | ConvertFrom-Json -AsHashtable).Keys)
        $names | Where-Object { $_ -match '^(AWS_|AZURE_|GOOGLE_|GITHUB_|NUGET_)' } | Should -BeNullOrEmpty
        if ($_ -eq 'Process') {
            # Only the minimal base and what Sebs sets: PATH/HOME/LANG..., SEBS_*, PYTHON*, the storage folder. A pyenv
            # shim (python3 on PATH on some hosts) adds its own PYENV_* on the way to the interpreter; those come from the shim.
            $names | Where-Object { $_ -notmatch '^(PATH|HOME|LANG|LC_ALL|LC_CTYPE|TZ|TMPDIR|PWD|SHLVL|_|SEBS_.*|PYTHON.*|_?PYENV_.*)$' } | Should -BeNullOrEmpty
        }
    }

    It 'the environment of every running sandbox process holds no secret' {
        $full = [IO.Path]::GetFullPath($cache)
        $checked = 0
        foreach ($d in Get-ChildItem /proc -Directory -ErrorAction SilentlyContinue | Where-Object Name -match '^\d+$') {
            try { $text = [IO.File]::ReadAllText("/proc/$($d.Name)/environ") } catch { continue }
            if (-not $text.Contains("SEBS_SANDBOX_OWNER=$full")) { continue }
            $checked++
            @(Find-Secrets $text) | Should -BeNullOrEmpty
        }
        $checked | Should -BeGreaterThan 0
    }

    It 'no file written by runs, experiments, exports and charts holds a secret, and Get-SebsConfig shows none' {
        $exp = Join-Path $root 'experiment'
        Start-SebsExperiment perf-cost -Benchmark 110.dynamic-html -Experiments warm -Repetitions 2 -Concurrency 1 -Memory 128 -Sandbox Process `
            -ConfigPath $config -CachePath $cache -OutputPath $exp | Export-SebsResult (Join-Path $root 'exported.json')
        Import-SebsResult (Join-Path $root 'results-Process.jsonl') | Export-SebsResult (Join-Path $root 'exported.csv')
        Import-SebsResult (Join-Path $root 'results-Process.jsonl') | Export-SebsChart (Join-Path $root 'chart.svg') -Kind ColdWarm
        $shown = Get-SebsConfig $config | Format-List * | Out-String -Width 400
        $shown += Get-SebsConfig $config | ConvertTo-Json -Depth 10
        @(Find-Secrets $shown) | Should -BeNullOrEmpty -Because 'Get-SebsConfig redacts secrets by default'
        $files = @(Get-ChildItem $root -Recurse -File | Where-Object FullName -ne $config)
        $files.Count | Should -BeGreaterThan 5
        ($files.FullName -match '/local/logs/') | Should -Not -BeNullOrEmpty -Because 'function logs are scanned too'
        foreach ($f in $files) {
            $text = [Text.Encoding]::UTF8.GetString([IO.File]::ReadAllBytes($f.FullName))
            @(Find-Secrets $text) | Should -BeNullOrEmpty -Because $f.FullName
        }
    }

    It 'function logs are readable by their owner only' {
        $logs = @(Get-ChildItem (Join-Path $cache 'local/logs') -File)
        $logs | Should -Not -BeNullOrEmpty
        foreach ($l in $logs) { [int]$l.UnixFileMode | Should -Be 384 -Because "$($l.FullName) must be 0600" }
        [int](Get-Item (Join-Path $cache 'local/logs')).UnixFileMode | Should -Be 448 -Because 'the log folder must be 0700'
    }
}
