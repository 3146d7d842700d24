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

    Import-Module (Join-Path $PSScriptRoot '../infra/fake-aws/FakeAws.psm1') -Force
    function New-AwsTestConfig {
        param([string]$Endpoint, [string]$SecretKey = $secret, [switch]$NoCredentials, [string]$ResourcesId = 'pester01', [string]$Region = 'us-east-1',
            [string]$AccessKey = $key, [hashtable]$ImageBase)
        $path = Join-Path $root ("aws-" + [guid]::NewGuid().ToString('N').Substring(0, 6) + '.json')
        if ($NoCredentials) { New-FakeAwsConfig -Path $path -Endpoint $Endpoint -Services $services -ResourcesId $ResourcesId -Region $Region }
        else { New-FakeAwsConfig -Path $path -Endpoint $Endpoint -Services $services -ResourcesId $ResourcesId -Region $Region -AccessKey $AccessKey -SecretKey $SecretKey -ImageBase $ImageBase }
    }

    # The fake's inspection view: name, runtime, memory, timeout, env (configured), sandboxes, invocations, url, policyStatements.
    function Get-FakeFunctions { (Invoke-RestMethod "$($fake.Url)/__fake/functions") | ForEach-Object { $_ } }
    function Get-FakeCodeHash([string]$Name) {
        $bytes = (Invoke-WebRequest "$($fake.Url)/__fake/code/$Name.zip").Content
        [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData([byte[]]$bytes))
    }
    $script:data = if ($env:SEBS_BENCHMARK_DATA) { $env:SEBS_BENCHMARK_DATA } else { Join-Path $PSScriptRoot '../../../shared/benchmark-data' }

    if (-not $skip) {
        $script:functionEnv = @(
            "AWS_ENDPOINT_URL_S3=http://$($services.SEBS_TEST_S3_ENDPOINT)", "AWS_ENDPOINT_URL_DYNAMODB=http://$($services.SEBS_TEST_DYNAMODB_ENDPOINT)",
            "AWS_ACCESS_KEY_ID=$key", "AWS_SECRET_ACCESS_KEY=$secret",
            # Lambda's Node.js runtimes ship the AWS SDK v3; here it comes from the copy start-services.sh installs.
            "NODE_PATH=$(Join-Path $PSScriptRoot '../../.tools/npm-aws-sdk/node_modules')")
        $script:fake = Start-FakeAws -AccessKey $key -SecretKey $secret -Python $python -LogPath (Join-Path $root 'fake-aws.log') -FunctionEnv $functionEnv `
            -ExtraArguments (@('--credentials', "AKIDOTHERACCOUNT:other-secret", '--other-account', 'AKIDOTHERACCOUNT=210987654321') +
                $(if ($services.SEBS_TEST_REGISTRY) { @('--registry', $services.SEBS_TEST_REGISTRY) } else { @() }))
        $script:cfg = New-AwsTestConfig -Endpoint $fake.Url
    }
}

AfterAll {
    if ($fake) { Stop-FakeAws $fake }
    Remove-Item -Recurse -Force $root -ErrorAction SilentlyContinue
}

Describe 'AWS Lambda platform' {
    BeforeAll { if ($skip) { Set-ItResult -Skipped -Because $skip } }

    It 'creates the execution role and the function, with a public Function URL' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $f = New-SebsFunction 010.sleep -Platform Aws -ConfigPath $cfg -CachePath $cache
        $f.Platform | Should -Be 'Aws'
        $f.Name | Should -Be 'sebs_pester01_010_python_3_14_x64'
        $f.Url | Should -Match '^http://127\.0\.0\.1:\d+/'
        $f.Arn | Should -Match '^arn:aws:lambda:us-east-1:\d{12}:function:sebs_pester01_010_python_3_14_x64$'
        $f.Role | Should -Match ':role/sebs-lambda-role$'
        $deployed = Get-FakeFunctions | Where-Object name -eq $f.Name
        $deployed | Should -Not -BeNullOrEmpty
        $deployed.runtime | Should -Be 'python3.14'
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
        (Get-FakeFunctions | Where-Object name -eq 'sebs_pester01_010_python_3_14_x64').env.ForceColdStart | Should -Not -BeNullOrEmpty
    }

    It '-ColdStart on a function that already has the session''s next ForceColdStart value sets one above it' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $name = 'sebs_pester01_010_python_3_14_x64'
        $r = @(Invoke-SebsBenchmark 010.sleep -Platform Aws -ConfigPath $cfg -CachePath $cache -Trigger Library -Repetitions 1 -ColdStart -Payload @{ sleep = 0 })
        $r[0].Failed | Should -BeFalse -Because $r[0].ErrorMessage
        # The session's counter is now the function's value; the next batch would take one more, which the function gets
        # first (UpdateFunctionConfiguration replaces all variables, so the others go with it).
        $variables = (Get-FakeFunctions | Where-Object name -eq $name).env
        $last = [int]$variables.ForceColdStart
        $variables.ForceColdStart = "$($last + 1)"
        $answer = & $python (Join-Path $PSScriptRoot '../infra/fake-aws/awscall.py') --endpoint $fake.Url --service lambda --method PUT `
            --path "/2015-03-31/functions/$name/configuration" --access-key $key --secret-key $secret `
            --body (@{ Environment = @{ Variables = $variables } } | ConvertTo-Json -Depth 5 -Compress) | ConvertFrom-Json
        $answer.status | Should -Be 200 -Because $answer.body
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while ((Get-FakeFunctions | Where-Object name -eq $name).lastUpdateStatus -ne 'Successful' -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        # A warm sandbox, so the cold start below is the one the forced update makes.
        $warm = @(Invoke-SebsBenchmark 010.sleep -Platform Aws -ConfigPath $cfg -CachePath $cache -Trigger Library -Repetitions 2 -Payload @{ sleep = 0 })
        $warm[1].IsCold | Should -BeFalse
        $r = @(Invoke-SebsBenchmark 010.sleep -Platform Aws -ConfigPath $cfg -CachePath $cache -Trigger Library -Repetitions 1 -ColdStart -Payload @{ sleep = 0 })
        $r[0].Failed | Should -BeFalse -Because $r[0].ErrorMessage
        $r[0].IsCold | Should -BeTrue
        (Get-FakeFunctions | Where-Object name -eq $name).env.ForceColdStart | Should -Be "$($last + 2)"
    }

    It 'reuses the deployed function, and Update-SebsFunction changes its memory' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $name = 'sebs_pester01_010_python_3_14_x64'
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
        $r[0].FunctionName | Should -Be 'sebs_pester01_311_nodejs_24_x64'
        (Get-FakeFunctions | Where-Object name -eq 'sebs_pester01_311_nodejs_24_x64').runtime | Should -Be 'nodejs24.x'
    }

    It 'provisions DynamoDB tables for 130.crud-api and the function uses them through the table variables' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        if (-not $services.SEBS_TEST_DYNAMODB_ENDPOINT) { Set-ItResult -Skipped -Because 'no DynamoDB emulator'; return }
        & $python -c 'import boto3' 2>$null
        if ($LASTEXITCODE -ne 0) { Set-ItResult -Skipped -Because "$python has no boto3 (Debian package python3-boto3)"; return }
        $r = @(Invoke-SebsBenchmark 130.crud-api -Size test -Platform Aws -ConfigPath $cfg -CachePath $cache -Trigger Library -Repetitions 2 -Validate)
        $r | ForEach-Object { $_.Failed | Should -BeFalse -Because $_.ErrorMessage; $_.Valid | Should -BeTrue -Because $_.ValidationMessage }
        $env = (Get-FakeFunctions | Where-Object name -eq 'sebs_pester01_130_python_3_14_x64').env
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
        $rows | ForEach-Object { $_.ClockDriftMeanSeconds | Should -Not -BeNullOrEmpty; $_.InvocationSeconds | Should -BeGreaterThan -0.5 }

        $n = Join-Path $root 'ping'
        $r = @(Start-SebsExperiment network-ping-pong -Platform Aws -ConfigPath $cfg -CachePath $cache -ServerAddress 127.0.0.1 -ServerPort 0 `
            -Invocations 2 -Repetitions 5 -Threads 2 -OutputPath $n)
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        $pings = @(Get-SebsExperimentResult $n network-ping-pong)
        $pings.Count | Should -Be 10
        $pings | ForEach-Object { $_.RttSeconds | Should -BeGreaterOrEqual 0; $_.RttSeconds | Should -BeLessThan 1 }

        $e = Join-Path $root 'eviction'
        $r = @(Start-SebsExperiment eviction-model -Platform Aws -ConfigPath $cfg -CachePath $cache -ServerAddress 127.0.0.1 -ServerPort 0 `
            -Repetitions 1 -Invocations 1 -Times 0 -OutputPath $e)
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        $r | ForEach-Object { $_.Result['result'] | Should -Be 'accepted' }
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
            # Nor instance metadata: this machine is no EC2 instance, and tests reach only 127.0.0.1.
            $env:AWS_EC2_METADATA_DISABLED = 'true'
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

Describe 'AWS Lambda in December 2026' {
    It 'refuses a runtime Lambda blocks for new functions, naming its dates, before any call' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $err = $null
        New-SebsFunction 010.sleep -Platform Aws -Language nodejs -LanguageVersion 20 -ConfigPath $cfg -CachePath (Join-Path $root 'c-rt') -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err | Should -Not -BeNullOrEmpty
        $err[0].Exception.Message | Should -Match 'nodejs 20'
        $err[0].Exception.Message | Should -Match '2026-06-01'
        Get-FakeFunctions | Where-Object runtime -eq 'nodejs20.x' | Should -BeNullOrEmpty
    }

    It 'marks invocations at the account concurrency limit as throttled failures, through both triggers, without ending the run' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $c = Join-Path $root 'c-throttle'
        $cfgT = New-AwsTestConfig -Endpoint $fake.Url -ResourcesId 'pester03'
        $null = New-SebsFunction 010.sleep -Platform Aws -ConfigPath $cfgT -CachePath $c
        try {
            Set-FakeAws $fake -ConcurrencyLimit 0 | Out-Null
            foreach ($trigger in 'Library', 'Http') {
                $r = @(Invoke-SebsBenchmark 010.sleep -Platform Aws -ConfigPath $cfgT -CachePath $c -Trigger $trigger -Repetitions 2 -Payload @{ sleep = 0 })
                $r.Count | Should -Be 2
                $r | ForEach-Object {
                    $_.Failed | Should -BeTrue
                    $_.Throttled | Should -BeTrue -Because $_.ErrorMessage
                }
                if ($trigger -eq 'Library') { $r[0].ErrorMessage | Should -Match 'TooManyRequestsException' }
            }
            Set-FakeAws $fake -ConcurrencyLimit 1 | Out-Null
            $r = @(Invoke-SebsBenchmark 010.sleep -Platform Aws -ConfigPath $cfgT -CachePath $c -Trigger Library -Repetitions 4 -Concurrency 4 -Payload @{ sleep = 0.5 })
            $r.Count | Should -Be 4
            @($r | Where-Object Throttled).Count | Should -BeGreaterThan 0
            @($r | Where-Object { -not $_.Failed }).Count | Should -BeGreaterThan 0
            $r | Where-Object Throttled | ForEach-Object { $_.Failed | Should -BeTrue }
        }
        finally { Set-FakeAws $fake -ConcurrencyLimit $null | Out-Null }
    }

    It 'reports a Function URL whose permission is still propagating as a failed sample, then measures once it has' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $c = Join-Path $root 'c-propagate'
        $cfgP = New-AwsTestConfig -Endpoint $fake.Url -ResourcesId 'pester04'
        try {
            Set-FakeAws $fake -UrlPermissionDelay 600 | Out-Null
            $null = New-SebsFunction 010.sleep -Platform Aws -ConfigPath $cfgP -CachePath $c
            $r = @(Invoke-SebsBenchmark 010.sleep -Platform Aws -ConfigPath $cfgP -CachePath $c -Trigger Http -Repetitions 1 -Payload @{ sleep = 0 })
            $r[0].Failed | Should -BeTrue
            $r[0].Throttled | Should -BeFalse
            $r[0].ErrorMessage | Should -Match 'HTTP 403'
            $r[0].ErrorMessage | Should -Match 'propagating'
            Set-FakeAws $fake -UrlPermissionDelay 0 | Out-Null
            $r = @(Invoke-SebsBenchmark 010.sleep -Platform Aws -ConfigPath $cfgP -CachePath $c -Trigger Http -Repetitions 1 -Payload @{ sleep = 0 })
            $r[0].Failed | Should -BeFalse -Because $r[0].ErrorMessage
            $r[0].IsCold | Should -BeTrue -Because 'the 403 never reached the function'
        }
        finally { Set-FakeAws $fake -UrlPermissionDelay 0 | Out-Null }
    }

    It 'reads reports in the JSON log format, from the Invoke tail and from CloudWatch Logs' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $c = Join-Path $root 'c-json'
        $cfgJ = New-AwsTestConfig -Endpoint $fake.Url -ResourcesId 'pester05'
        $r = @(Invoke-SebsBenchmark 010.sleep -Platform Aws -ConfigPath $cfgJ -CachePath $c -PlatformOption @{ LogFormat = 'JSON' } -Trigger Library -Repetitions 2 -Payload @{ sleep = 0.05 })
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        $r | ForEach-Object { $_.ProviderMs | Should -BeGreaterOrEqual 50; $_.BilledMs | Should -BeGreaterThan 0; $_.MemoryMB | Should -BeGreaterThan 0 }
        $r[0].InitMs | Should -BeGreaterThan 0
        $h = @(Invoke-SebsBenchmark 010.sleep -Platform Aws -ConfigPath $cfgJ -CachePath $c -PlatformOption @{ LogFormat = 'JSON' } -Trigger Http -Repetitions 2 -Payload @{ sleep = 0.05 })
        $h | ForEach-Object { $_.ProviderMs | Should -Be 0 }
        $m = @($h | Get-SebsMetrics -Platform Aws -ConfigPath $cfgJ -CachePath $c)
        $m | ForEach-Object { $_.ProviderMs | Should -BeGreaterOrEqual 50 }
    }

    It 'attaches the function''s own log to a failed invocation (a timeout: Lambda''s line is in the log tail)' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $c = Join-Path $root 'c-fail'
        $cfgF = New-AwsTestConfig -Endpoint $fake.Url -ResourcesId 'pester06'
        # 902.faulty has a 2 s timeout; sleeping 4 s runs into it.
        $r = @(Invoke-SebsBenchmark 902.faulty -Platform Aws -ConfigPath $cfgF -CachePath $c -BenchmarkPath (Join-Path $PSScriptRoot 'benchmarks') `
            -Trigger Library -Repetitions 1 -Payload @{ sleep = 4 })
        $r[0].Failed | Should -BeTrue
        $r[0].TimedOut | Should -BeTrue
        $r[0].ErrorMessage | Should -Match 'Sandbox.Timedout'
        $r[0].ErrorMessage | Should -Match 'Function log:(.|\n)*Task timed out after 2.00 seconds'
    }

    It 'does not reuse a role cached for another account (the STS account differs)' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $c = Join-Path $root 'c-account'
        $cfgA = New-AwsTestConfig -Endpoint $fake.Url -ResourcesId 'pester07'
        $null = New-SebsFunction 010.sleep -Platform Aws -ConfigPath $cfgA -CachePath $c
        (Get-Content (Join-Path $c 'aws.json') -Raw | ConvertFrom-Json).'account-id' | Should -Be '123456789012'
        $other = New-AwsTestConfig -Endpoint $fake.Url -ResourcesId 'pester07' -AccessKey 'AKIDOTHERACCOUNT' -SecretKey 'other-secret'
        $w = $null
        $null = New-SebsFunction 010.sleep -Platform Aws -FunctionName 'sebs_pester07_other' -ConfigPath $other -CachePath $c -WarningVariable w
        ($w -join ' ') | Should -Match 'account 123456789012.*210987654321'
        (Get-Content (Join-Path $c 'aws.json') -Raw | ConvertFrom-Json).'account-id' | Should -Be '210987654321'
    }

    It 'serves the HTTP trigger through an API Gateway v2 HTTP API instead of a Function URL, and cleans it up' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $c = Join-Path $root 'c-httpapi'
        $cfgH = New-AwsTestConfig -Endpoint $fake.Url -ResourcesId 'pester10'
        $a = @{ Platform = 'Aws'; ConfigPath = $cfgH; CachePath = $c; PlatformOption = @{ HttpTrigger = 'HttpApi' } }
        $f = New-SebsFunction 010.sleep @a
        $f.Url | Should -Match '^http://127\.0\.0\.1:\d+/apigw/[0-9a-f]+/$'
        $f.HttpApiId | Should -Not -BeNullOrEmpty
        (Get-FakeFunctions | Where-Object name -eq $f.Name).url | Should -BeNullOrEmpty -Because 'no Function URL is made'
        # Without the permission API Gateway answers 500: the one SeBS adds names this API as the source.
        (Get-FakeFunctions | Where-Object name -eq $f.Name).policyStatements | Should -Contain "sebs-http-api-$($f.HttpApiId)"
        $r = @(Invoke-SebsBenchmark 010.sleep @a -Trigger Http -Repetitions 2 -Payload @{ sleep = 0 })
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        $r[0].IsCold | Should -BeTrue
        $r[1].IsCold | Should -BeFalse
        $listed = @(Get-SebsResource @a)
        ($listed | Where-Object Kind -eq 'http-api').Id | Should -Be $f.HttpApiId
        Remove-SebsResource @a -Force
        @(Get-SebsResource @a) | Should -BeNullOrEmpty
    }

    It 'signs HTTP invocations of a Function URL with AWS_IAM auth (no public permission)' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $c = Join-Path $root 'c-iam-url'
        $cfgI = New-AwsTestConfig -Endpoint $fake.Url -ResourcesId 'pester11'
        $a = @{ Platform = 'Aws'; ConfigPath = $cfgI; CachePath = $c; PlatformOption = @{ FunctionUrlAuth = 'AWS_IAM' } }
        $f = New-SebsFunction 010.sleep @a
        $f.FunctionUrlAuth | Should -Be 'AWS_IAM'
        (Get-FakeFunctions | Where-Object name -eq $f.Name).policyStatements | Should -Not -Contain 'FunctionURLAllowPublicAccess'
        $unsigned = Invoke-WebRequest -Method Post -Uri $f.Url -Body '{}' -ContentType 'application/json' -SkipHttpErrorCheck
        $unsigned.StatusCode | Should -Be 403
        $r = @(Invoke-SebsBenchmark 010.sleep @a -Trigger Http -Repetitions 1 -Payload @{ sleep = 0 })
        $r[0].Failed | Should -BeFalse -Because $r[0].ErrorMessage
        $r[0].Trigger | Should -Be 'http'
        Remove-SebsResource @a -Force
    }

    It 'invokes asynchronously (Event): accepted with a request id, provider times later from CloudWatch Logs' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $c = Join-Path $root 'c-event'
        $cfgE = New-AwsTestConfig -Endpoint $fake.Url -ResourcesId 'pester12'
        $a = @{ Platform = 'Aws'; ConfigPath = $cfgE; CachePath = $c; PlatformOption = @{ InvocationType = 'Event' } }
        $r = @(Invoke-SebsBenchmark 010.sleep @a -Trigger Library -Repetitions 2 -Payload @{ sleep = 0.1 })
        $r.Count | Should -Be 2
        $r | ForEach-Object {
            $_.Failed | Should -BeFalse -Because $_.ErrorMessage
            $_.RequestId | Should -Match '^[0-9a-f-]{36}$'
            $_.ProviderMs | Should -Be 0
            $_.ClientMs | Should -BeLessThan 100 -Because 'Event returns before the function has run'
        }
        Start-Sleep -Milliseconds 800
        $m = @($r | Get-SebsMetrics -Platform Aws -ConfigPath $cfgE -CachePath $c)
        $m | ForEach-Object { $_.ProviderMs | Should -BeGreaterOrEqual 100 }
        (Get-FakeFunctions | Where-Object name -like 'sebs_pester12_*').invocations | Should -Be 2
    }

    It 'deploys a container image through ECR (PackageType Image): built with docker, pushed to the registry, run by Lambda, cleaned up' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        if (-not $services.SEBS_TEST_REGISTRY -or $services.SEBS_TEST_DOCKER -ne '1') { Set-ItResult -Skipped -Because 'no local registry or Docker engine (tests/infra/start-services.sh)'; return }
        $c = Join-Path $root 'c-image'
        # Lambda's base images come from public.ecr.aws, which tests cannot reach: an empty base stands in (the fake
        # runs /var/task with its own interpreter, as a Lambda base image's runtime would).
        $cfgImg = New-AwsTestConfig -Endpoint $fake.Url -ResourcesId 'pester13' -ImageBase @{ python = 'scratch'; nodejs = 'scratch' }
        $a = @{ Platform = 'Aws'; ConfigPath = $cfgImg; CachePath = $c; PlatformOption = @{ PackageType = 'Image' } }
        $r = @(Invoke-SebsBenchmark 010.sleep @a -Trigger Library -Repetitions 2 -Payload @{ sleep = 0 })
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        $r[0].IsCold | Should -BeTrue
        $deployed = Get-FakeFunctions | Where-Object name -like 'sebs_pester13_*'
        $deployed.packageType | Should -Be 'Image'
        $deployed.runtime | Should -BeNullOrEmpty
        $deployed.imageUri | Should -Match ([regex]::Escape($services.SEBS_TEST_REGISTRY) + '/sebs-pester13:010-sleep-python-')
        $listed = @(Get-SebsResource @a)
        $listed.Kind | Should -Contain 'ecr-repository'
        Remove-SebsResource @a -Force
        @(Get-SebsResource @a) | Should -BeNullOrEmpty
        (Invoke-RestMethod "http://$($services.SEBS_TEST_REGISTRY)/v2/sebs-pester13/tags/list" -SkipHttpErrorCheck).tags | Should -BeNullOrEmpty
    }

    It 'deploys in the <Partition> partition: its endpoints, arn:<Partition> ARNs and IAM signed for <IamRegion>' -ForEach @(
        @{ Partition = 'aws-cn'; Region = 'cn-north-1'; IamRegion = 'cn-north-1'; Rid = 'pester08' }
        @{ Partition = 'aws-us-gov'; Region = 'us-gov-west-1'; IamRegion = 'us-gov-west-1'; Rid = 'pester14' }
    ) {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $other = Start-FakeAws -AccessKey $key -SecretKey $secret -Python $python -FunctionEnv $functionEnv -ExtraArguments @('--region', $Region, '--partition', $Partition)
        try {
            $cfgP = New-AwsTestConfig -Endpoint $other.Url -ResourcesId $Rid -Region $Region
            $c = Join-Path $root "c-$Partition"
            $f = New-SebsFunction 010.sleep -Platform Aws -ConfigPath $cfgP -CachePath $c
            $f.Arn | Should -Match "^arn:$($Partition):lambda:$($Region):\d{12}:function:"
            $f.Role | Should -Match "^arn:$($Partition):iam::\d{12}:role/sebs-lambda-role$"
            $r = @(Invoke-SebsBenchmark 010.sleep -Platform Aws -ConfigPath $cfgP -CachePath $c -Trigger Library -Repetitions 1 -Payload @{ sleep = 0 })
            $r[0].Failed | Should -BeFalse -Because $r[0].ErrorMessage
            $r[0].Region | Should -Be $Region
        }
        finally { Stop-FakeAws $other }
    }
}

Describe 'AWS clean-up (Remove-SebsResource -Platform Aws)' {
    It 'lists functions, URLs, log groups, tables and buckets of the resource id; -WhatIf keeps them, -Force deletes them, the role only when asked' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $c = Join-Path $root 'c-clean'
        $cfgC = New-AwsTestConfig -Endpoint $fake.Url -ResourcesId 'pester09'
        $a = @{ Platform = 'Aws'; ConfigPath = $cfgC; CachePath = $c }
        $r = @(Invoke-SebsBenchmark 010.sleep @a -Trigger Library -Repetitions 1 -Payload @{ sleep = 0 })
        $r[0].Failed | Should -BeFalse -Because $r[0].ErrorMessage
        $kinds = @('function', 'function-url', 'log-group')
        & $python -c 'import boto3' 2>$null
        if ($LASTEXITCODE -eq 0 -and $services.SEBS_TEST_DYNAMODB_ENDPOINT) {
            $r = @(Invoke-SebsBenchmark 130.crud-api -Size test @a -Trigger Library -Repetitions 1 -Validate)
            $r[0].Failed | Should -BeFalse -Because $r[0].ErrorMessage
            $r = @(Invoke-SebsBenchmark 311.compression -Size test @a -Trigger Library -Repetitions 1 -DataPath $data)
            $r[0].Failed | Should -BeFalse -Because $r[0].ErrorMessage
            $kinds += 'table', 'bucket'
        }
        $before = @(Get-SebsResource @a)
        foreach ($k in $kinds) { $before.Kind | Should -Contain $k }
        $before | Where-Object Kind -eq 'function' | ForEach-Object { $_.Name | Should -Match '^sebs_pester09_' }
        $before | Where-Object Kind -eq 'log-group' | ForEach-Object { $_.Name | Should -Match '^/aws/lambda/sebs_pester09_' }
        $before | Where-Object Kind -eq 'table' | ForEach-Object { $_.Name | Should -Match '^sebs-benchmarks-pester09-' }
        $before.Kind | Should -Not -Contain 'role' -Because 'the role is shared by resource ids and removed only when asked'

        Remove-SebsResource @a -WhatIf
        @(Get-SebsResource @a).Count | Should -Be $before.Count
        $removed = @(Remove-SebsResource @a -Force -PassThru)
        $removed.Count | Should -Be $before.Count
        @(Get-SebsResource @a) | Should -BeNullOrEmpty
        Get-FakeFunctions | Where-Object name -like 'sebs_pester09_*' | Should -BeNullOrEmpty
        Get-SebsFunction @a | Should -BeNullOrEmpty

        $role = @(Get-SebsResource @a -PlatformOption @{ RemoveRole = $true })
        $role.Kind | Should -Be 'role'
        Remove-SebsResource @a -PlatformOption @{ RemoveRole = $true } -Force
        @(Get-SebsResource @a -PlatformOption @{ RemoveRole = $true }) | Should -BeNullOrEmpty
    }
}
