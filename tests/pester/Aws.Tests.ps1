# The AWS platform end to end against tests/infra/fake-aws (Lambda, IAM, STS and CloudWatch Logs that check
# Signature V4 and run the deployed zips) and the s3rver emulator for S3. The client code is the one used on AWS.
BeforeAll {
    Import-Module $env:SEBS_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SebsTestHelpers.psm1') -Force
    $script:services = Get-SebsTestServices
    $script:root = Join-Path ([IO.Path]::GetTempPath()) ("sebs-aws-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $script:cache = Join-Path $root 'cache'
    New-Item -ItemType Directory -Path $root | Out-Null
    $script:skip = $null
    if (-not $services.SEBS_TEST_S3_ENDPOINT) { $script:skip = 'no S3 emulator (tests/infra/start-services.sh)' }
    # Python functions use Debian's boto3 (the Lambda runtime has boto3; the host's python3 may not).
    $script:python = if (Test-Path /usr/bin/python3) { '/usr/bin/python3' } else { 'python3' }
    $script:key = $services.SEBS_TEST_S3_ACCESS_KEY
    $script:secret = $services.SEBS_TEST_S3_SECRET_KEY

    function Start-FakeAws {
        param([string[]]$FunctionEnv)
        $psi = [Diagnostics.ProcessStartInfo]::new('python3')
        foreach ($a in @((Join-Path $PSScriptRoot '../infra/fake-aws/fake_aws.py'), '--port', '0', '--access-key', $key, '--secret-key', $secret,
                '--python', $python, '--state-delay', '0.2', '--log', (Join-Path $root 'fake-aws.log'))) { $psi.ArgumentList.Add($a) }
        foreach ($e in $FunctionEnv) { $psi.ArgumentList.Add('--function-env'); $psi.ArgumentList.Add($e) }
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $p = [Diagnostics.Process]::Start($psi)
        $line = $p.StandardOutput.ReadLineAsync()
        if (-not $line.Wait(15000) -or $line.Result -notmatch '^READY (\d+)') { $p.Kill(); throw "fake AWS did not start: $($line.Result) $($p.StandardError.ReadToEnd())" }
        [pscustomobject]@{ Process = $p; Url = "http://127.0.0.1:$($Matches[1])" }
    }

    function New-AwsTestConfig {
        param([string]$Endpoint, [string]$SecretKey = $secret, [switch]$NoCredentials)
        $aws = [ordered]@{
            region      = 'us-east-1'
            resources   = @{ resources_id = 'pester01' }
            endpoints   = @{ lambda = $Endpoint; iam = $Endpoint; sts = $Endpoint; logs = $Endpoint
                s3 = "http://$($services.SEBS_TEST_S3_ENDPOINT)"; dynamodb = "http://$($services.SEBS_TEST_DYNAMODB_ENDPOINT)" }
            'poll-interval' = 0.1
        }
        if (-not $NoCredentials) { $aws.credentials = @{ access_key = $key; secret_key = $SecretKey } }
        $path = Join-Path $root ("aws-" + [guid]::NewGuid().ToString('N').Substring(0, 6) + '.json')
        @{ experiments = @{ architecture = 'x64' }; deployment = @{ name = 'aws'; aws = $aws } } | ConvertTo-Json -Depth 6 | Set-Content $path
        $path
    }

    # The fake's inspection view: name, runtime, memory, timeout, env (configured), sandboxes, invocations, url, policyStatements.
    function Get-FakeFunctions { (Invoke-RestMethod "$($fake.Url)/__fake/functions") | ForEach-Object { $_ } }
    function Get-FakeCodeHash([string]$Name) {
        $bytes = (Invoke-WebRequest "$($fake.Url)/__fake/code/$Name.zip").Content
        [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData([byte[]]$bytes))
    }
    $script:data = if ($env:SEBS_BENCHMARK_DATA) { $env:SEBS_BENCHMARK_DATA } else { Join-Path $PSScriptRoot '../../../shared/benchmark-data' }

    if (-not $skip) {
        $script:fake = Start-FakeAws -FunctionEnv @(
            "AWS_ENDPOINT_URL_S3=http://$($services.SEBS_TEST_S3_ENDPOINT)", "AWS_ENDPOINT_URL_DYNAMODB=http://$($services.SEBS_TEST_DYNAMODB_ENDPOINT)",
            "AWS_ACCESS_KEY_ID=$key", "AWS_SECRET_ACCESS_KEY=$secret",
            # Lambda's Node.js runtimes ship the AWS SDK v3; here it comes from the copy start-services.sh installs.
            "NODE_PATH=$(Join-Path $PSScriptRoot '../../.tools/npm-aws-sdk/node_modules')")
        $script:cfg = New-AwsTestConfig -Endpoint $fake.Url
    }
}

AfterAll {
    if ($fake) { $fake.Process.Kill(); $fake.Process.WaitForExit(5000) | Out-Null }
    Remove-Item -Recurse -Force $root -ErrorAction SilentlyContinue
}

Describe 'AWS Lambda platform' {
    BeforeAll { if ($skip) { Set-ItResult -Skipped -Because $skip } }

    It 'creates the execution role and the function, with a public Function URL' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $f = New-SebsFunction 010.sleep -Platform Aws -ConfigPath $cfg -CachePath $cache
        $f.Platform | Should -Be 'Aws'
        $f.Name | Should -Be 'sebs_pester01_010_python_3_11_x64'
        $f.Url | Should -Match '^http://127\.0\.0\.1:\d+/'
        $f.Arn | Should -Match '^arn:aws:lambda:us-east-1:\d{12}:function:sebs_pester01_010_python_3_11_x64$'
        $f.Role | Should -Match ':role/sebs-lambda-role$'
        $deployed = Get-FakeFunctions | Where-Object name -eq $f.Name
        $deployed | Should -Not -BeNullOrEmpty
        $deployed.runtime | Should -Be 'python3.11'
        $deployed.memory | Should -Be $f.MemoryMB
        $deployed.url | Should -Be $f.Url
        $deployed.policyStatements | Should -Contain 'FunctionURLAllowPublicAccess'
        $deployed.policyStatements | Should -Contain 'FunctionURLInvokeAllowPublicAccess' 
        (Get-Content (Join-Path $cache 'aws.json') -Raw | ConvertFrom-Json).'lambda-role' | Should -Match ':role/sebs-lambda-role$'
    }

    It 'Library trigger: the first call is cold, then warm; provider time, init time, memory and billing come from the log tail' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $r = @(Invoke-SebsBenchmark 010.sleep -Platform Aws -ConfigPath $cfg -CachePath $cache -Trigger Library -Repetitions 3 -Payload @{ sleep = 0.2 })
        $r.Count | Should -Be 3
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        $r[0].IsCold | Should -BeTrue
        $r[1].IsCold | Should -BeFalse
        $r[2].IsCold | Should -BeFalse
        $r | ForEach-Object {
            $_.Trigger | Should -Be 'library'
            $_.Platform | Should -Be 'Aws'
            $_.RequestId | Should -Match '^[0-9a-f-]{36}$'
            $_.BenchmarkMs | Should -BeGreaterOrEqual 190
            $_.ProviderMs | Should -BeGreaterOrEqual $_.BenchmarkMs
            $_.BilledMs | Should -BeGreaterOrEqual ([math]::Floor($_.ProviderMs))
            $_.MemoryMB | Should -BeGreaterThan 0
            $_.GBSeconds | Should -BeGreaterThan 0
        }
        $r[0].InitMs | Should -BeGreaterThan 0
        $r[1].InitMs | Should -Be 0
        $r[1].ContainerId | Should -Be $r[0].ContainerId
    }

    It 'Http trigger through the Function URL; Get-SebsMetrics reads the REPORT lines from CloudWatch Logs' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $r = @(Invoke-SebsBenchmark 010.sleep -Platform Aws -ConfigPath $cfg -CachePath $cache -Trigger Http -Repetitions 3 -Payload @{ sleep = 0.05 })
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        $r | ForEach-Object { $_.Trigger | Should -Be 'http'; $_.ProviderMs | Should -Be 0 }
        $enriched = @($r | Get-SebsMetrics -Platform Aws -ConfigPath $cfg -CachePath $cache)
        $enriched.Count | Should -Be 3
        $enriched | ForEach-Object {
            $_.ProviderMs | Should -BeGreaterOrEqual 50
            $_.BilledMs | Should -BeGreaterThan 0
            $_.MemoryMB | Should -BeGreaterThan 0
        }
    }

    It '-ColdStart makes every invocation cold by changing the function''s environment' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $r = @(Invoke-SebsBenchmark 010.sleep -Platform Aws -ConfigPath $cfg -CachePath $cache -Trigger Library -Repetitions 2 -ColdStart -Payload @{ sleep = 0 })
        ($r | Where-Object Failed) | Should -BeNullOrEmpty
        $r.IsCold | Should -Not -Contain $false
        $r | ForEach-Object { $_.InitMs | Should -BeGreaterThan 0 }
        (Get-FakeFunctions | Where-Object name -eq 'sebs_pester01_010_python_3_11_x64').env.ForceColdStart | Should -Not -BeNullOrEmpty
    }

    It 'reuses the deployed function, and Update-SebsFunction changes its memory' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $name = 'sebs_pester01_010_python_3_11_x64'
        $code = Get-FakeCodeHash $name
        $u = Get-SebsFunction -Platform Aws -CachePath $cache | Update-SebsFunction -Platform Aws -ConfigPath $cfg -CachePath $cache -Memory 512
        $u.MemoryMB | Should -Be 512
        (Get-FakeFunctions | Where-Object name -eq $name).memory | Should -Be 512
        Get-FakeCodeHash $name | Should -Be $code -Because 'the code did not change, so it was not uploaded again'
        $r = Invoke-SebsBenchmark 010.sleep -Platform Aws -ConfigPath $cfg -CachePath $cache -Trigger Library -Repetitions 1 -Memory 512 -Payload @{ sleep = 0 }
        $r.Billing.MemoryMB | Should -Be 512
    }

    It 'runs a storage benchmark end to end: input uploaded to S3, the function reads and writes it, the output validates' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        & $python -c 'import boto3' 2>$null
        if ($LASTEXITCODE -ne 0) { Set-ItResult -Skipped -Because "$python has no boto3 (Debian package python3-boto3)"; return }
        $r = @(Invoke-SebsBenchmark 311.compression -Size test -Platform Aws -ConfigPath $cfg -CachePath $cache -Trigger Library -Repetitions 1 -Validate -DataPath $data)
        $r[0].Failed | Should -BeFalse -Because $r[0].ErrorMessage
        $r[0].Valid | Should -BeTrue -Because $r[0].ValidationMessage
    }

    It 'runs the Node.js version too: npm dependencies installed for linux/x64, storage through the SDK v3 shim' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        if (-not (Test-Path (Join-Path $PSScriptRoot '../../.tools/npm-aws-sdk/node_modules/@aws-sdk/client-s3'))) {
            Set-ItResult -Skipped -Because 'the AWS SDK for Node is not installed (tests/infra/start-services.sh)'; return
        }
        $r = @(Invoke-SebsBenchmark 311.compression -Language nodejs -Size test -Platform Aws -ConfigPath $cfg -CachePath $cache -Trigger Http -Repetitions 1 -Validate -DataPath $data)
        $r[0].Failed | Should -BeFalse -Because $r[0].ErrorMessage
        $r[0].Valid | Should -BeTrue -Because $r[0].ValidationMessage
        $r[0].FunctionName | Should -Be 'sebs_pester01_311_nodejs_20_x64'
        (Get-FakeFunctions | Where-Object name -eq 'sebs_pester01_311_nodejs_20_x64').runtime | Should -Be 'nodejs20.x'
    }

    It 'provisions DynamoDB tables for 130.crud-api and the function uses them through the table variables' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        if (-not $services.SEBS_TEST_DYNAMODB_ENDPOINT) { Set-ItResult -Skipped -Because 'no DynamoDB emulator'; return }
        & $python -c 'import boto3' 2>$null
        if ($LASTEXITCODE -ne 0) { Set-ItResult -Skipped -Because "$python has no boto3 (Debian package python3-boto3)"; return }
        $r = @(Invoke-SebsBenchmark 130.crud-api -Size test -Platform Aws -ConfigPath $cfg -CachePath $cache -Trigger Library -Repetitions 2 -Validate)
        $r | ForEach-Object { $_.Failed | Should -BeFalse -Because $_.ErrorMessage; $_.Valid | Should -BeTrue -Because $_.ValidationMessage }
        $env = (Get-FakeFunctions | Where-Object name -eq 'sebs_pester01_130_python_3_11_x64').env
        $env.NOSQL_STORAGE_TABLE_shopping_cart | Should -Be 'sebs-benchmarks-pester01-130.crud-api-shopping_cart'
        $env.PSObject.Properties.Name | Should -Not -Contain 'AWS_SECRET_ACCESS_KEY' -Because 'the role, not the harness, gives functions credentials'
    }

    It 'perf-cost runs on AWS and fills provider times of HTTP results from the logs' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $o = Join-Path $root 'perf'
        $r = @(Start-SebsExperiment perf-cost -Platform Aws -ConfigPath $cfg -CachePath $cache -Benchmark 010.sleep -Experiments cold, warm `
            -Repetitions 2 -Concurrency 2 -Memory 128 -BatchPause 0 -OutputPath $o)
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        @($r | Where-Object ExperimentType -eq 'cold').Count | Should -BeGreaterOrEqual 2
        ($r | Where-Object ExperimentType -eq 'cold').IsCold | Should -Not -Contain $false
        $r | ForEach-Object { $_.ProviderMs | Should -BeGreaterThan 0 }
        Join-Path $o 'perf-cost/cold_results_128.json' | Should -Exist
    }

    It 'network-ping-pong, invocation-overhead and eviction-model run on AWS (UDP and TCP servers on this machine, results through S3)' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        & $python -c 'import boto3' 2>$null
        if ($LASTEXITCODE -ne 0) { Set-ItResult -Skipped -Because "$python has no boto3 (Debian package python3-boto3)"; return }
        $o = Join-Path $root 'overhead'
        $r = @(Start-SebsExperiment invocation-overhead -Platform Aws -ConfigPath $cfg -CachePath $cache -ServerAddress 127.0.0.1 -ServerPort 0 `
            -Repetitions 1 -N 3 -PayloadBegin 1024 -PayloadEnd 4096 -PayloadPoints 2 -OutputPath $o)
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        @($r | Where-Object ExperimentType -eq 'cold').Count | Should -Be 2
        $rows = @(Get-SebsExperimentResult (Join-Path $o 'invocation-overhead/payload'))
        $rows.Count | Should -Be 4
        $rows | ForEach-Object { $_.ClockDriftMean | Should -Not -BeNullOrEmpty; $_.InvocationTime | Should -BeGreaterThan -0.5 }

        $n = Join-Path $root 'ping'
        $r = @(Start-SebsExperiment network-ping-pong -Platform Aws -ConfigPath $cfg -CachePath $cache -ServerAddress 127.0.0.1 -ServerPort 0 `
            -Invocations 2 -Repetitions 5 -Threads 2 -OutputPath $n)
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        $pings = @(Get-SebsExperimentResult $n network-ping-pong)
        $pings.Count | Should -Be 10
        $pings | ForEach-Object { $_.Rtt | Should -BeGreaterOrEqual 0; $_.Rtt | Should -BeLessThan 1 }

        $e = Join-Path $root 'eviction'
        $r = @(Start-SebsExperiment eviction-model -Platform Aws -ConfigPath $cfg -CachePath $cache -ServerAddress 127.0.0.1 -ServerPort 0 `
            -Repetitions 1 -Invocations 1 -Times 0 -OutputPath $e)
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        $r | ForEach-Object { $_.Result['result'].GetValue[string]() | Should -Be 'accepted' }
        @(Get-SebsExperimentResult $e eviction-model).Count | Should -Be 1
    }

    It 'the regression runs 020, 030 and 040 on AWS against its servers at the server-address setting, and skips them without it' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        & $python -c 'import boto3' 2>$null
        if ($LASTEXITCODE -ne 0) { Set-ItResult -Skipped -Because "$python has no boto3 (Debian package python3-boto3)"; return }
        $o = Join-Path $root 'regression'
        $warn = $null
        $r = @(Invoke-SebsRegression 020*, 030*, 040* -Language python -Platform Aws -ConfigPath $cfg -CachePath $cache -OutputPath $o `
                -WarningVariable warn -WarningAction SilentlyContinue)
        $r | Should -HaveCount 3
        foreach ($case in $r) {
            $case.Outcome | Should -Be 'Skipped'
            $case.SkipReason | Should -Match "needs a server on this machine that the function on Aws can reach: give its public address with -Setting @\{'server-address' = \.\.\.\}"
        }
        @($warn).Count | Should -Be 3
        $r = @(Invoke-SebsRegression 020*, 030*, 040* -Language python -Platform Aws -ConfigPath $cfg -CachePath $cache -OutputPath $o `
                -Setting @{ 'server-address' = '127.0.0.1' } -Summary)
        $summary = $r[-1]
        $summary | Should -BeOfType ([Sebs.Core.Running.RegressionSummary])
        ($r | Select-Object -SkipLast 1 | Where-Object Outcome -ne 'Passed') | Should -BeNullOrEmpty -Because (($r | Select-Object -SkipLast 1 | ForEach-Object { "$_" }) -join '; ')
        ($summary.Platform, $summary.Passed, $summary.Failed, $summary.Skipped) -join ',' | Should -Be 'Aws,3,0,0'
    }

    It 'Remove-SebsFunction deletes the function' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        Get-SebsFunction -Platform Aws -CachePath $cache | Remove-SebsFunction -Platform Aws -ConfigPath $cfg -CachePath $cache -Confirm:$false
        Get-FakeFunctions | Should -BeNullOrEmpty
        Get-SebsFunction -Platform Aws -CachePath $cache | Should -BeNullOrEmpty
    }
}

Describe 'AWS errors' {
    It 'names the missing credentials without values' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $none = New-AwsTestConfig -Endpoint $fake.Url -NoCredentials
        $saved = $env:AWS_ACCESS_KEY_ID, $env:AWS_SECRET_ACCESS_KEY, $env:AWS_SHARED_CREDENTIALS_FILE
        try {
            $env:AWS_ACCESS_KEY_ID = $null; $env:AWS_SECRET_ACCESS_KEY = $null
            $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $root 'no-such-credentials'
            { New-SebsFunction 010.sleep -Platform Aws -ConfigPath $none -CachePath (Join-Path $root 'c2') -ErrorAction Stop } |
                Should -Throw -ErrorId 'Sebs.MissingCredentials*'
        }
        finally { $env:AWS_ACCESS_KEY_ID, $env:AWS_SECRET_ACCESS_KEY, $env:AWS_SHARED_CREDENTIALS_FILE = $saved }
    }

    It 'reports a rejected signature as Sebs.CloudRequestFailed with the service''s error code' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $bad = New-AwsTestConfig -Endpoint $fake.Url -SecretKey 'wrong-secret'
        $err = $null
        New-SebsFunction 010.sleep -Platform Aws -ConfigPath $bad -CachePath (Join-Path $root 'c3') -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err | Should -Not -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Match '^Sebs.CloudRequestFailed'
        $err[0].Exception.Message | Should -Match 'InvalidSignatureException|SignatureDoesNotMatch'
        $err[0].Exception.Message | Should -Not -Match 'wrong-secret'
    }
}
