# The GCP platform (Cloud Run functions through the Cloud Functions v2 API) end to end through the cmdlets, against
# tests/infra/fake-gcp: OAuth JWT-bearer tokens from a key made here, Cloud Functions v2 with operations, Cloud Run
# IAM and revisions, Cloud Logging, Firestore/Datastore and GCS, the deployed source run in worker processes.
BeforeAll {
    Import-Module $env:SEBS_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SebsTestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'GcpTestHelpers.psm1') -Force
    $script:root = Join-Path ([IO.Path]::GetTempPath()) ("sebs-gcp-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $script:cache = Join-Path $root 'cache'
    $script:saved = @{ G = $env:GOOGLE_APPLICATION_CREDENTIALS; S = $env:GCP_SECRET_APPLICATION_CREDENTIALS; C = $env:CLOUDSDK_CONFIG }
    $env:GOOGLE_APPLICATION_CREDENTIALS = $null
    $env:GCP_SECRET_APPLICATION_CREDENTIALS = $null
    # No gcloud application-default credentials unless a test puts them there.
    $env:CLOUDSDK_CONFIG = Join-Path $root 'no-gcloud' 
    # Two quota errors on the first log reads: metrics must back off and still arrive.
    $script:fake = Start-FakeGcp -Root $root -ExtraArguments @('--logging-quota-errors', '2')
    $script:cfg = New-GcpTestConfig -Fake $fake
    $script:data = if ($env:SEBS_BENCHMARK_DATA) { $env:SEBS_BENCHMARK_DATA } else { Join-Path $PSScriptRoot '../../../shared/benchmark-data' }
    $script:python = if (Test-Path /usr/bin/python3) { '/usr/bin/python3' } else { 'python3' }
    $script:log = Join-Path $root 'fake-gcp.log'
    function Get-Fn([string]$Name) { Get-FakeGcpFunctions -Fake $fake | Where-Object name -eq $Name }
    # Sets a function's variables through the Cloud Functions API (as another session or a person would) and waits
    # until the update is done and the function's revision serves.
    function Set-FnEnvironment([string]$Name, $Variables) {
        $token = (Invoke-RestMethod "$($fake.Url)/computeMetadata/v1/instance/service-accounts/default/token" -Headers @{ 'Metadata-Flavor' = 'Google' }).access_token
        $auth = @{ Authorization = "Bearer $token" }
        $op = Invoke-RestMethod -Method Patch "$($fake.Url)/v2/projects/sebs-test/locations/europe-west1/functions/${Name}?updateMask=serviceConfig.environmentVariables" `
            -Headers $auth -ContentType 'application/json' -Body (@{ serviceConfig = @{ environmentVariables = $Variables } } | ConvertTo-Json -Depth 5)
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while (-not (Invoke-RestMethod "$($fake.Url)/v2/$($op.name)" -Headers $auth).done -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        while (($f = Get-Fn $Name).servingRevision -ne $f.revision -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        $f.state | Should -Be 'ACTIVE'
        $f.servingRevision | Should -Be $f.revision
    }
}

AfterAll {
    Stop-FakeGcp $fake
    $env:GOOGLE_APPLICATION_CREDENTIALS = $saved.G
    $env:GCP_SECRET_APPLICATION_CREDENTIALS = $saved.S
    $env:CLOUDSDK_CONFIG = $saved.C
    Remove-Item -Recurse -Force $root -ErrorAction SilentlyContinue
}

Describe 'Google Cloud Run functions platform' {
    It 'deploys through generateUploadUrl and the v2 API and makes the Cloud Run service public (read-modify-write of its policy)' {
        $f = New-SebsFunction 010.sleep -Platform Gcp -ConfigPath $cfg -CachePath $cache
        $f.Platform | Should -Be 'Gcp'
        $f.Name | Should -Be 'sebs-pester01-010-python-3-12'
        $f.Url | Should -Match '^http://127\.0\.0\.1:\d+/__run/sebs-pester01-010-python-3-12$'
        (Get-Fn $f.Name).resourceName | Should -Be 'projects/sebs-test/locations/europe-west1/functions/sebs-pester01-010-python-3-12'
        $deployed = Get-Fn $f.Name
        $deployed.state | Should -Be 'ACTIVE'
        $deployed.runtime | Should -Be 'python312'
        $deployed.entryPoint | Should -Be 'handler'
        $deployed.memory | Should -Be "$($f.MemoryMB)Mi"
        $deployed.concurrency | Should -Be 80
        $deployed.maxInstances | Should -Be 10
        $deployed.ingress | Should -Be 'ALLOW_ALL'
        ($deployed.policy.bindings | Where-Object role -eq 'roles/run.invoker').members | Should -Contain 'allUsers'
        $logged = Get-Content $log -Raw
        $logged | Should -Match 'POST /v2/projects/sebs-test/locations/europe-west1/functions:generateUploadUrl 200'
        $logged | Should -Match 'PUT /__upload/.+ 200'
        $logged | Should -Match 'GET /v2/projects/sebs-test/locations/europe-west1/services/sebs-pester01-010-python-3-12:getIamPolicy 200'
        $logged | Should -Match 'POST /token 200'
        $state = Get-Content (Join-Path $cache 'gcp.json') -Raw | ConvertFrom-Json
        $state.credentials.project_id | Should -Be 'sebs-test'
        Get-ChildItem $cache -Recurse -File | Select-String -Pattern 'PRIVATE KEY' -SimpleMatch | Should -BeNullOrEmpty -Because 'the key never goes into the cache'
    }

    It 'invokes over HTTP, cold then warm; Get-SebsMetrics reads httpRequest.latency by trace id (backing off on quota errors, re-reading while logs lag)' {
        $r = @(Invoke-SebsBenchmark 010.sleep -Platform Gcp -ConfigPath $cfg -CachePath $cache -Repetitions 3 -Payload @{ sleep = 0.1 })
        $r.Count | Should -Be 3
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        $r[0].IsCold | Should -BeTrue
        $r[1].IsCold | Should -BeFalse
        $r[2].ContainerId | Should -Be $r[0].ContainerId
        $r | ForEach-Object { $_.Trigger | Should -Be 'http'; $_.RequestId | Should -Match '^[0-9a-f]{32}$'; $_.ProviderMs | Should -Be 0 }
        $enriched = @($r | Get-SebsMetrics -Platform Gcp -ConfigPath $cfg -CachePath $cache)
        $enriched.Count | Should -Be 3
        $enriched | ForEach-Object { $_.ProviderMs | Should -BeGreaterOrEqual $_.BenchmarkMs; $_.ProviderMs | Should -BeLessOrEqual $_.ClientMs }
        (Get-Content $log | Select-String 'POST /v2/entries:list 429').Count | Should -Be 2
    }

    It '-ColdStart changes the environment and waits until the new revision serves, so every invocation is cold' {
        $r = @(Invoke-SebsBenchmark 010.sleep -Platform Gcp -ConfigPath $cfg -CachePath $cache -Repetitions 2 -ColdStart -Payload @{ sleep = 0 })
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        $r.IsCold | Should -Not -Contain $false
        $r[0].ContainerId | Should -Not -Be $r[1].ContainerId
        $r | ForEach-Object { $_.Output['cold_start_var'] | Should -Not -BeNullOrEmpty }
        $deployed = Get-Fn 'sebs-pester01-010-python-3-12'
        $deployed.env.cold_start | Should -Not -BeNullOrEmpty
        $deployed.servingRevision | Should -Be $deployed.revision
        Get-Content $log -Raw | Should -Match 'PATCH /v2/projects/sebs-test/locations/europe-west1/functions/sebs-pester01-010-python-3-12 200'
    }

    It 'the fake, as Cloud Run, makes no new revision for an update that changes nothing' {
        $name = 'sebs-pester01-010-python-3-12'
        $before = Get-Fn $name
        Set-FnEnvironment $name $before.env
        $after = Get-Fn $name
        $after.revision | Should -Be $before.revision
        $after.servingRevision | Should -Be $before.revision
    }

    It '-ColdStart on a function that already has the session''s next cold_start value sets one above it, and a new revision serves' {
        $name = 'sebs-pester01-010-python-3-12'
        # A session of its own, whose deadline ends the wait soon should no new revision come (by default it is 10 min).
        $quick = New-GcpTestConfig -Fake $fake
        $json = Get-Content $quick -Raw | ConvertFrom-Json -AsHashtable
        $json.deployment.gcp.'deploy-timeout' = 60
        $json | ConvertTo-Json -Depth 8 | Set-Content $quick
        $r = @(Invoke-SebsBenchmark 010.sleep -Platform Gcp -ConfigPath $quick -CachePath $cache -Repetitions 1 -ColdStart -Payload @{ sleep = 0 })
        $r[0].Failed | Should -BeFalse -Because $r[0].ErrorMessage
        # The session's counter is now the function's value; the next batch would take one more, which the function gets first.
        $variables = (Get-Fn $name).env
        $last = [int]$variables.cold_start
        $variables.cold_start = "$($last + 1)"
        Set-FnEnvironment $name $variables
        $held = Get-Fn $name
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $r = @(Invoke-SebsBenchmark 010.sleep -Platform Gcp -ConfigPath $quick -CachePath $cache -Repetitions 1 -ColdStart -Payload @{ sleep = 0 })
        $r[0].Failed | Should -BeFalse -Because $r[0].ErrorMessage
        $r[0].IsCold | Should -BeTrue
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 30 -Because 'the new revision serves within seconds against the fake'
        $after = Get-Fn $name
        $after.env.cold_start | Should -Be "$($last + 2)"
        $after.revision | Should -Not -Be $held.revision
        $after.servingRevision | Should -Be $after.revision
    }

    It 'Update-SebsFunction patches the memory only (updateMask), keeping the environment' {
        $name = 'sebs-pester01-010-python-3-12'
        $before = (Get-Fn $name).env.cold_start
        $u = Get-SebsFunction -Platform Gcp -CachePath $cache | Update-SebsFunction -Platform Gcp -ConfigPath $cfg -CachePath $cache -Memory 512
        $u.MemoryMB | Should -Be 512
        $deployed = Get-Fn $name
        $deployed.memory | Should -Be '512Mi'
        $deployed.env.cold_start | Should -Be $before
        $deployed.servingRevision | Should -Be $deployed.revision
    }

    It 'adopts a function deployed outside this cache (SeBS: update instead of create), keeping its variables' {
        $name = 'sebs-pester01-010-python-3-12'
        $before = Get-Fn $name
        $f = New-SebsFunction 010.sleep -Platform Gcp -ConfigPath $cfg -CachePath (Join-Path $root 'cache-fresh')
        $f.Name | Should -Be $name
        $after = Get-Fn $name
        $after.revision | Should -Not -Be $before.revision
        $after.env.cold_start | Should -Be $before.env.cold_start
        Get-Content $log -Raw | Should -Not -Match 'POST /v2/projects/sebs-test/locations/europe-west1/functions 409'
        Remove-Item -Recurse -Force (Join-Path $root 'cache-fresh')
    }

    It 'a service without the public binding refuses invocations (403), and deploying again restores the binding' {
        $name = 'sebs-pester01-010-python-3-12'
        $token = (Invoke-RestMethod "$($fake.Url)/computeMetadata/v1/instance/service-accounts/default/token" -Headers @{ 'Metadata-Flavor' = 'Google' }).access_token
        $auth = @{ Authorization = "Bearer $token" }
        $svc = "$($fake.Url)/v2/projects/sebs-test/locations/europe-west1/services/$name"
        $policy = Invoke-RestMethod "${svc}:getIamPolicy" -Headers $auth
        $policy.bindings = @($policy.bindings | Where-Object role -ne 'roles/run.invoker')
        Invoke-RestMethod -Method Post "${svc}:setIamPolicy" -Headers $auth -ContentType 'application/json' -Body (@{ policy = $policy } | ConvertTo-Json -Depth 6) | Out-Null
        $r = Invoke-SebsBenchmark 010.sleep -Platform Gcp -ConfigPath $cfg -CachePath $cache -Repetitions 1 -Payload @{ sleep = 0 }
        $r.Failed | Should -BeTrue
        $r.ErrorMessage | Should -Match '403'
        # A token of a principal the invoker role does not name is refused too.
        (Invoke-WebRequest -Method Post (Get-Fn $name).uri -Headers $auth -Body '{}' -ContentType 'application/json' -SkipHttpErrorCheck).StatusCode | Should -Be 403
        New-SebsFunction 010.sleep -Platform Gcp -ConfigPath $cfg -CachePath (Join-Path $root 'cache-again') | Out-Null
        ((Get-Fn $name).policy.bindings | Where-Object role -eq 'roles/run.invoker').members | Should -Contain 'allUsers'
        (Invoke-SebsBenchmark 010.sleep -Platform Gcp -ConfigPath $cfg -CachePath $cache -Repetitions 1 -Payload @{ sleep = 0 }).Failed | Should -BeFalse
        Remove-Item -Recurse -Force (Join-Path $root 'cache-again')
    }

    It 'runs 311.compression through GCS: input uploaded once, read and written by the function, output valid' {
        $r = @(Invoke-SebsBenchmark 311.compression -Size test -Platform Gcp -ConfigPath $cfg -CachePath $cache -Repetitions 1 -Validate -DataPath $data)
        $r[0].Failed | Should -BeFalse -Because $r[0].ErrorMessage
        $r[0].Valid | Should -BeTrue -Because $r[0].ValidationMessage
        $uploads = (Get-Content $log | Select-String 'POST /upload/storage/v1/b/sebs-benchmarks-pester01/o').Count
        $r = @(Invoke-SebsBenchmark 311.compression -Size test -Platform Gcp -ConfigPath $cfg -CachePath $cache -Repetitions 1 -DataPath $data)
        $r[0].Failed | Should -BeFalse -Because $r[0].ErrorMessage
        # The second run uploads only the function's own output (one media upload), not the input again.
        (Get-Content $log | Select-String 'POST /upload/storage/v1/b/sebs-benchmarks-pester01/o').Count | Should -Be ($uploads + 1)
    }

    It 'runs the Node.js version (index.js, Express-like req/res) against the same bucket' {
        $r = @(Invoke-SebsBenchmark 311.compression -Language nodejs -Size test -Platform Gcp -ConfigPath $cfg -CachePath $cache -Repetitions 1 -Validate -DataPath $data)
        $r[0].Failed | Should -BeFalse -Because $r[0].ErrorMessage
        $r[0].Valid | Should -BeTrue -Because $r[0].ValidationMessage
        (Get-Fn 'sebs-pester01-311-nodejs-22').runtime | Should -Be 'nodejs22'
    }

    It 'runs 130.crud-api on Firestore in Datastore mode: one database per benchmark, a kind per table' {
        $r = @(Invoke-SebsBenchmark 130.crud-api -Size test -Platform Gcp -ConfigPath $cfg -CachePath $cache -Repetitions 2 -Validate)
        $r | ForEach-Object { $_.Failed | Should -BeFalse -Because $_.ErrorMessage; $_.Valid | Should -BeTrue -Because $_.ValidationMessage }
        $env = (Get-Fn 'sebs-pester01-130-python-3-12').env
        $env.NOSQL_STORAGE_DATABASE | Should -Be 'sebs-benchmarks-pester01-130'
        $env.NOSQL_STORAGE_TABLE_shopping_cart | Should -Be 'sebs-benchmarks-pester01-130.crud-api-shopping_cart'
        Get-Content $log -Raw | Should -Match 'POST /v1/projects/sebs-test/databases 200'
        Get-Content $log -Raw | Should -Match 'POST /v1/projects/sebs-test:commit 200'
    }

    It 'perf-cost runs on GCP and fills provider times from the request log' {
        $o = Join-Path $root 'perf'
        $r = @(Start-SebsExperiment perf-cost -Platform Gcp -ConfigPath $cfg -CachePath $cache -Benchmark 010.sleep -Experiments cold, warm `
            -Repetitions 2 -ConcurrentInvocations 2 -MemorySize 256 -BatchPause 0 -OutputPath $o)
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        ($r | Where-Object ExperimentType -eq 'cold').IsCold | Should -Not -Contain $false
        $r | ForEach-Object { $_.ProviderMs | Should -BeGreaterThan 0 }
        Join-Path $o 'perf-cost/cold_results_256.json' | Should -Exist
    }

    It 'pages through the request log: 60 invocations need two pages of entries:list' {
        $before = (Get-Content $log | Select-String 'POST /v2/entries:list 200').Count
        $r = @(Invoke-SebsBenchmark 010.sleep -Platform Gcp -ConfigPath $cfg -CachePath $cache -Repetitions 60 -Payload @{ sleep = 0 })
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        Start-Sleep -Milliseconds 700   # the fake lists entries 0.5 s after they are written
        $enriched = @($r | Get-SebsMetrics -Platform Gcp -ConfigPath $cfg -CachePath $cache)
        @($enriched | Where-Object ProviderMs -le 0) | Should -BeNullOrEmpty
        ((Get-Content $log | Select-String 'POST /v2/entries:list 200').Count - $before) | Should -BeGreaterOrEqual 2
    }

    It 'network-ping-pong, invocation-overhead and eviction-model run on GCP (servers on this machine, results through GCS)' {
        $o = Join-Path $root 'overhead'
        $r = @(Start-SebsExperiment invocation-overhead -Platform Gcp -ConfigPath $cfg -CachePath $cache -ServerAddress 127.0.0.1 -ServerPort 0 `
            -Repetitions 1 -N 3 -PayloadBegin 1024 -PayloadEnd 4096 -PayloadPoints 2 -OutputPath $o)
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        @($r | Where-Object ExperimentType -eq 'cold').Count | Should -Be 2
        $rows = @(Get-SebsExperimentResult (Join-Path $o 'invocation-overhead/payload'))
        $rows.Count | Should -Be 4
        $rows | ForEach-Object { $_.ClockDriftMeanSeconds | Should -Not -BeNullOrEmpty }

        $n = Join-Path $root 'ping'
        $r = @(Start-SebsExperiment network-ping-pong -Platform Gcp -ConfigPath $cfg -CachePath $cache -ServerAddress 127.0.0.1 -ServerPort 0 `
            -Invocations 2 -Repetitions 5 -Threads 2 -OutputPath $n)
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        @(Get-SebsExperimentResult $n network-ping-pong).Count | Should -Be 10

        $e = Join-Path $root 'eviction'
        $r = @(Start-SebsExperiment eviction-model -Platform Gcp -ConfigPath $cfg -CachePath $cache -ServerAddress 127.0.0.1 -ServerPort 0 `
            -Repetitions 1 -Invocations 1 -Times 0 -OutputPath $e)
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        @(Get-SebsExperimentResult $e eviction-model).Count | Should -Be 1
    }

    It 'a throttled Cloud Functions API (429 RESOURCE_EXHAUSTED with Retry-After) is waited for and retried' {
        Invoke-RestMethod -Method Post "$($fake.Url)/__fake/throttle?count=2" | Out-Null
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $f = New-SebsFunction 010.sleep -Platform Gcp -ConfigPath $cfg -CachePath $cache -Memory 384
        $sw.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 2 -Because 'two answers asked to wait 1 s each'
        $f.MemoryMB | Should -Be 384
        (Get-Content $log | Select-String 'functions.* 429$').Count | Should -Be 2
    }

    It 'a Google API error reaches the ErrorRecord with its status and message (a key of a project it may not use)' {
        $other = New-GcpTestKey -Root $root -Url $fake.Url -Rsa $fake.Rsa -Email $fake.Email -KeyId $fake.KeyId -ProjectId 'someone-elses' -Name 'other-key.json'
        $otherCfg = New-GcpTestConfig -Fake $fake -KeyFile $other -ResourcesId 'pester02'
        $err = $null
        try { New-SebsFunction 010.sleep -Platform Gcp -ConfigPath $otherCfg -CachePath (Join-Path $root 'cache-other') -ErrorAction Stop } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Match '^Sebs.CloudRequestFailed'
        $err.Exception.Message | Should -Match 'PERMISSION_DENIED \(HTTP 403\): Permission denied on resource project someone-elses'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
    }

    It 'without credentials (or with an unreadable key) fails with Sebs.MissingCredentials before any request' {
        $noCreds = New-GcpTestConfig -Fake $fake -NoCredentials -ResourcesId 'pester03'
        $requests = (Get-Content $log).Count
        $err = $null
        try { New-SebsFunction 010.sleep -Platform Gcp -ConfigPath $noCreds -CachePath (Join-Path $root 'cache-none') -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Match '^Sebs.MissingCredentials'
        $err.Exception.Message | Should -Match 'GOOGLE_APPLICATION_CREDENTIALS'
        $env:GCP_SECRET_APPLICATION_CREDENTIALS = Join-Path $root 'no-such-key.json'
        try {
            $err = $null
            try { New-SebsFunction 010.sleep -Platform Gcp -ConfigPath $noCreds -CachePath (Join-Path $root 'cache-none') -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Match '^Sebs.MissingCredentials'
            $err.Exception.Message | Should -Match 'no-such-key\.json.*GCP_SECRET_APPLICATION_CREDENTIALS'
        }
        finally { $env:GCP_SECRET_APPLICATION_CREDENTIALS = $null }
        (Get-Content $log).Count | Should -Be $requests -Because 'nothing is sent without usable credentials'
    }

    It 'falls back to gcloud''s application-default credentials (the well-known file), with the project from it' {
        $gcloud = Join-Path $root 'gcloud'
        New-Item -ItemType Directory -Path $gcloud | Out-Null
        Copy-Item $fake.KeyFile (Join-Path $gcloud 'application_default_credentials.json')
        $noCreds = New-GcpTestConfig -Fake $fake -NoCredentials -ResourcesId 'pester04'
        $env:CLOUDSDK_CONFIG = $gcloud
        try {
            $f = New-SebsFunction 010.sleep -Platform Gcp -ConfigPath $noCreds -CachePath (Join-Path $root 'cache-adc')
            $f.Name | Should -Be 'sebs-pester04-010-python-3-12'
            (Get-Fn $f.Name).state | Should -Be 'ACTIVE'
            Remove-SebsResource -Platform Gcp -ConfigPath $noCreds -CachePath (Join-Path $root 'cache-adc') -Confirm:$false
            Get-Fn $f.Name | Should -BeNullOrEmpty
        }
        finally { $env:CLOUDSDK_CONFIG = Join-Path $root 'no-gcloud' }
    }

    It 'Remove-SebsResource -Platform Gcp lists and deletes functions, the benchmark database and the bucket (-WhatIf deletes nothing)' {
        $listed = @(Get-SebsResource -Platform Gcp -ConfigPath $cfg -CachePath $cache)
        $listed.Kind | Should -Contain 'function'
        $listed.Kind | Should -Contain 'database'
        $listed.Kind | Should -Contain 'bucket'
        Remove-SebsResource -Platform Gcp -ConfigPath $cfg -CachePath $cache -WhatIf
        @(Get-FakeGcpFunctions -Fake $fake).Count | Should -Be (@($listed | Where-Object Kind -eq 'function').Count)
        Remove-SebsResource -Platform Gcp -ConfigPath $cfg -CachePath $cache -Confirm:$false
        @(Get-FakeGcpFunctions -Fake $fake) | Where-Object name -like 'sebs-pester01-*' | Should -BeNullOrEmpty
        @(Get-SebsResource -Platform Gcp -ConfigPath $cfg -CachePath $cache) | Should -BeNullOrEmpty
    }

    It '-Region deploys into that region (paths, resource names, the function''s region) and cleans up there' {
        $c = Join-Path $root 'cache-region'
        $f = New-SebsFunction 010.sleep -Platform Gcp -ConfigPath $cfg -CachePath $c -Region us-central1
        $f.Region | Should -Be 'us-central1'
        $deployed = Get-FakeGcpFunctions -Fake $fake | Where-Object resourceName -like 'projects/sebs-test/locations/us-central1/*'
        $deployed.name | Should -Be 'sebs-pester01-010-python-3-12'
        (Get-SebsResource -Platform Gcp -ConfigPath $cfg -CachePath $c -Region us-central1 | Where-Object Kind -eq 'function').Region | Should -Be 'us-central1'
        Remove-SebsResource -Platform Gcp -ConfigPath $cfg -CachePath $c -Region us-central1 -Confirm:$false
        Get-FakeGcpFunctions -Fake $fake | Where-Object resourceName -like 'projects/sebs-test/locations/us-central1/*' | Should -BeNullOrEmpty
    }
}

Describe 'README GCP quick start' {
    It 'runs the README''s GCP quick-start line as written' {
        & $python -c 'import jinja2' 2>$null
        if ($LASTEXITCODE -ne 0) { Set-ItResult -Skipped -Because "$python has no jinja2 (Debian package python3-jinja2, installed by tests/infra/start-services.sh)"; return }
        $readme = Get-Content (Join-Path $PSScriptRoot '../../README.md') -Raw
        $readme -match '(?ms)^## GCP.*?```powershell\r?\n(?<line>[^\r\n]+)\r?\n```' | Should -BeTrue
        $line = $Matches.line
        $dir = Join-Path $root 'quickstart'
        New-Item -ItemType Directory -Path $dir | Out-Null
        Copy-Item $fake.KeyFile (Join-Path $dir 'sebs-key.json')
        # The README's gcp.json names the region; here it also points the APIs at the fake.
        $quick = New-GcpTestConfig -Fake $fake -NoCredentials -ResourcesId 'quick01' -Name 'quick.json'
        Move-Item $quick (Join-Path $dir 'gcp.json')
        $savedCache = $env:SEBS_CACHE
        $env:SEBS_CACHE = Join-Path $dir 'cache'
        Push-Location $dir
        try {
            $text = Invoke-Expression $line | Out-String
            Remove-SebsResource -Platform Gcp -ConfigPath (Join-Path $dir 'gcp.json') -CachePath (Join-Path $dir 'cache') -Confirm:$false
        }
        finally { Pop-Location; $env:SEBS_CACHE = $savedCache; $env:GOOGLE_APPLICATION_CREDENTIALS = $null }
        $rows = @($text -split "`n" | Where-Object { $_ -match '^\s*(True|False)\s' })
        $rows.Count | Should -Be 5 -Because $text
        $rows[0] | Should -Match '^\s*True\s' 
    }
}
