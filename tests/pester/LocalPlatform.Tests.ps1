# End-to-end tests of the local platform: build, deploy, invoke, reuse, failures, storage, both sandboxes.
BeforeDiscovery {
    $languages = @('python', 'nodejs')
    $benchmarks = @('010.sleep', '110.dynamic-html')
    $matrix = foreach ($l in $languages) { foreach ($b in $benchmarks) { @{ Language = $l; Benchmark = $b } } }
    $sandboxes = @('Process', 'Docker')
}

BeforeAll {
    Import-Module $env:SEBS_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SebsTestHelpers.psm1') -Force
    $script:cache = Join-Path ([IO.Path]::GetTempPath()) ("sebs-pester-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $script:testBenchmarks = Join-Path $PSScriptRoot 'benchmarks'
    $script:services = Get-SebsTestServices
    function Assert-Run($results, [int]$count) {
        $results | Should -HaveCount $count
        $results | ForEach-Object { $_ | Should -BeOfType ([Sebs.Core.Results.ExecutionResult]) }
        ($results | Where-Object Failed) | Should -BeNullOrEmpty -Because (($results | Where-Object Failed).ErrorMessage -join '; ')
    }
}

AfterAll {
    Remove-SebsTestFunctions -Root $script:cache
    Remove-Item -Recurse -Force $script:cache -ErrorAction SilentlyContinue
}

Describe 'Invoke-SebsBenchmark on the local platform (<_> sandbox)' -ForEach $sandboxes {
    BeforeAll {
        $script:sandbox = $_
        if ($sandbox -eq 'Docker' -and $services.SEBS_TEST_DOCKER -ne '1') {
            throw "Docker is not available for the tests (SEBS_TEST_DOCKER=$($services.SEBS_TEST_DOCKER)); see out/services.env and out/dockerd.log."
        }
        $script:sbCache = Join-Path $cache $sandbox
    }

    It '<Benchmark> in <Language>: cold first, then warm in the same sandbox' -ForEach $matrix {
        $r = Invoke-SebsBenchmark $Benchmark -Language $Language -Size test -Repetitions 3 -Sandbox $sandbox -CachePath $sbCache `
            -Payload $(if ($Benchmark -eq '010.sleep') { @{ sleep = 0.05 } })
        Assert-Run $r 3
        $r[0].IsCold | Should -BeTrue
        $r[1].IsCold | Should -BeFalse
        $r[2].IsCold | Should -BeFalse
        ($r.ContainerId | Select-Object -Unique) | Should -HaveCount 1
        $r | ForEach-Object {
            $_.Platform | Should -Be 'Local'
            $_.Benchmark | Should -Be $Benchmark
            $_.Language | Should -Be $Language
            $_.ClientMs | Should -BeGreaterThan $_.BenchmarkMs
            $_.MemoryMB | Should -BeGreaterThan 1
        }
        if ($Benchmark -eq '010.sleep') {
            $r | ForEach-Object { $_.BenchmarkMs | Should -BeGreaterOrEqual 45; $_.BenchmarkMs | Should -BeLessThan 1000 }
        } else {
            $html = $r[0].Result['result']
            $html | Should -Match 'Welcome testname!'
            ([regex]::Matches($html, '<li>')).Count | Should -Be 10
        }
    }

    It 'reuses the package and the running function when nothing changed' {
        $first = Invoke-SebsBenchmark 110.dynamic-html -Language python -Repetitions 1 -Sandbox $sandbox -CachePath $sbCache
        $verbose = Invoke-SebsBenchmark 110.dynamic-html -Language python -Repetitions 1 -Sandbox $sandbox -CachePath $sbCache -Verbose 4>&1
        $messages = ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"
        $messages | Should -Match 'Reusing cached code package'
        $messages | Should -Match 'Reused function'
        $messages | Should -Not -Match 'Started .* sandbox'
        $second = $verbose | Where-Object { $_ -is [Sebs.Core.Results.ExecutionResult] }
        $second.ContainerId | Should -Be $first.ContainerId
        $second.IsCold | Should -BeFalse
    }

    It 'gives a fresh sandbox for every invocation with -ColdStart' {
        $r = Invoke-SebsBenchmark 010.sleep -Language python -Repetitions 2 -ColdStart -Payload @{ sleep = 0 } -Sandbox $sandbox -CachePath $sbCache
        Assert-Run $r 2
        $r | ForEach-Object { $_.IsCold | Should -BeTrue; $_.MemoryMB | Should -BeGreaterThan 1 }
        ($r.ContainerId | Select-Object -Unique) | Should -HaveCount 2
    }

    It 'gives every result of a concurrent window its sandbox''s memory, read once per delivered batch' {
        $r = @(Invoke-SebsBenchmark 010.sleep -Language python -Repetitions 300 -Concurrency 20 -Payload @{ sleep = 0 } -Sandbox $sandbox -CachePath $sbCache)
        Assert-Run $r 300
        ($r | Where-Object { -not ($_.MemoryMB -gt 1) }) | Should -BeNullOrEmpty
        ($r.Invocation | Sort-Object) | Should -Be (0..299)
    }

    It 'uploads input through the <_> storage and the function reads and writes it' -ForEach @('folder', 's3') {
        $storage = $_
        $extra = @{}
        if ($storage -eq 's3') { $extra.ConfigPath = New-SebsS3TestConfig (Join-Path $TestDrive "s3-$sandbox.json") }
        $expected = (Get-FileHash -Algorithm MD5 (Join-Path $testBenchmarks '900.test/901.storage-echo/data/hello.txt')).Hash.ToLowerInvariant()
        foreach ($language in 'python', 'nodejs') {
            $r = Invoke-SebsBenchmark 901.storage-echo -BenchmarkPath $testBenchmarks -Language $language -Repetitions 2 `
                -Sandbox $sandbox -CachePath (Join-Path $sbCache $storage) @extra
            Assert-Run $r 2
            $r | ForEach-Object {
                $_.Result['result']['md5'] | Should -Be $expected
                $_.Result['result']['key'] | Should -Match '^901\.storage-echo-0-output/hello\.[0-9a-f]{8}\.txt$'
            }
        }
        Get-SebsCache -CachePath (Join-Path $sbCache $storage) -Kind Storage | Should -Not -BeNullOrEmpty
    }
}

Describe 'Results leave through the standard verbs' {
    It 'round-trips through Export-Csv and Import-Csv with flat millisecond columns' {
        $csv = Join-Path $TestDrive 'results.csv'
        $r = Invoke-SebsBenchmark 010.sleep -Language nodejs -Repetitions 3 -Payload @{ sleep = 0 } -Sandbox Process -CachePath $cache
        $r | Export-Csv -Path $csv
        $rows = Import-Csv $csv
        $rows | Should -HaveCount 3
        $rows[0].Benchmark | Should -Be '010.sleep'
        $rows.IsCold | Should -Contain 'False'
        [double]$rows[0].ClientMs | Should -BeGreaterThan 0
        ($r | Where-Object { -not $_.IsCold }) | Should -HaveCount ($rows | Where-Object IsCold -eq 'False').Count
    }
}

Describe 'Failures come back as results and lose nothing' {
    It 'a handler that throws in <_> gives a failed result and the next invocation runs' -ForEach @('python', 'nodejs') {
        $language = $_
        $bad = Invoke-SebsBenchmark 902.faulty -BenchmarkPath (Join-Path $PSScriptRoot 'benchmarks') -Language $language -Repetitions 2 `
            -Payload @{ fail = $true } -Sandbox Process -CachePath $cache -WarningAction SilentlyContinue
        $bad | Should -HaveCount 2
        $bad | ForEach-Object { $_.Failed | Should -BeTrue; $_.ErrorMessage | Should -Match 'asked to fail' }
        $good = Invoke-SebsBenchmark 902.faulty -BenchmarkPath (Join-Path $PSScriptRoot 'benchmarks') -Language $language -Repetitions 1 `
            -Payload @{ fail = $false } -Sandbox Process -CachePath $cache
        $good.Failed | Should -BeFalse
        $good.ContainerId | Should -Be $bad[0].ContainerId
    }

    It 'an invocation past the timeout fails, the sandbox is restarted, the rest continue' {
        $r = Invoke-SebsBenchmark 902.faulty -BenchmarkPath (Join-Path $PSScriptRoot 'benchmarks') -Language python -Repetitions 1 `
            -Payload @{ sleep = 4 } -Timeout 1 -Sandbox Process -CachePath $cache -WarningVariable warn -WarningAction SilentlyContinue
        $r.Failed | Should -BeTrue
        $r.TimedOut | Should -BeTrue
        $r.ErrorMessage | Should -Match 'timeout'
        ($warn -join ' ') | Should -Match 'Restarting the sandbox'
        $next = Invoke-SebsBenchmark 902.faulty -BenchmarkPath (Join-Path $PSScriptRoot 'benchmarks') -Language python -Repetitions 1 `
            -Payload @{ sleep = 0 } -Timeout 1 -Sandbox Process -CachePath $cache
        $next.Failed | Should -BeFalse
        $next.IsCold | Should -BeTrue
        $next.ClientMs | Should -BeLessThan 1000
    }
}

Describe 'Bad input gets clear errors' {
    It 'an unknown benchmark lists the valid ones' {
        Invoke-SebsBenchmark 999.none -CachePath $cache -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'Sebs.UnknownBenchmark*'
        $err[0].Exception.Message | Should -Match '110\.dynamic-html'
    }

    It 'an unknown language version lists the valid ones' {
        Invoke-SebsBenchmark 010.sleep -LanguageVersion 2.7 -CachePath $cache -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'Sebs.UnknownLanguage*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[0].Exception.Message | Should -Match '3\.11'
    }

    It 'a language the benchmark lacks names the ones it has' {
        $root = Join-Path $TestDrive 'pyonly'
        New-Item -ItemType Directory "$root/903.pyonly/python" -Force | Out-Null
        '{"timeout": 5, "memory": 128, "languages": ["python"]}' | Set-Content "$root/903.pyonly/config.json"
        'def handler(event):\n    return {}' | Set-Content "$root/903.pyonly/python/function.py"
        Invoke-SebsBenchmark 903.pyonly -BenchmarkPath $root -Language nodejs -Payload @{} -CachePath $cache -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'Sebs.UnknownLanguage*'
        $err[0].Exception.Message | Should -Match 'python'
    }

    It '-Sandbox Docker without an engine names the endpoint it tried' {
        $saved = $env:DOCKER_HOST
        try {
            $env:DOCKER_HOST = 'unix:///nonexistent/docker.sock'
            Invoke-SebsBenchmark 010.sleep -Sandbox Docker -CachePath (Join-Path $TestDrive 'nodocker') -ErrorVariable err -ErrorAction SilentlyContinue
        } finally { $env:DOCKER_HOST = $saved }
        $err[0].FullyQualifiedErrorId | Should -BeLike 'Sebs.DockerUnreachable*'
        $err[0].CategoryInfo.Category | Should -Be 'ConnectionError'
        $err[0].Exception.Message | Should -Match 'unix:///nonexistent/docker.sock'
    }

    It 'a broken config file is a terminating error with file and position' {
        $bad = Join-Path $TestDrive 'bad.json'
        "{`n  `"experiments`": {,`n}" | Set-Content $bad
        { Invoke-SebsBenchmark 010.sleep -ConfigPath $bad -CachePath $cache -ErrorAction Stop } | Should -Throw -ErrorId 'Sebs.InvalidConfig*'
        try { Get-SebsConfig $bad } catch { $_.Exception.Message | Should -Match 'line 2' ; $_.Exception.Message | Should -Match ([regex]::Escape($bad)) }
    }

    It 'an unknown platform in the config is rejected with the valid names' {
        $cfg = Join-Path $TestDrive 'plat.json'
        '{"deployment": {"name": "openwhisk"}}' | Set-Content $cfg
        { Get-SebsConfig $cfg } | Should -Throw -ErrorId 'Sebs.UnknownPlatform*'
    }
}

Describe 'Function lifecycle cmdlets' {
    It 'New, Get, Update and Remove a function' {
        $c = Join-Path $TestDrive 'lifecycle'
        $f = New-SebsFunction 010.sleep -Language python -Sandbox Process -CachePath $c
        $f | Should -BeOfType ([Sebs.Core.Platforms.SebsFunction])
        $f.IsRunning | Should -BeTrue
        $listed = Get-SebsFunction -CachePath $c
        $listed.Name | Should -Be $f.Name
        $listed.IsRunning | Should -BeTrue
        $u = Update-SebsFunction 010.sleep -Language python -Memory 256 -Sandbox Process -CachePath $c
        $u.MemoryMB | Should -Be 256
        Remove-SebsFunction -Name $f.Name -CachePath $c -WhatIf
        (Get-SebsFunction -CachePath $c).IsRunning | Should -BeTrue
        Get-SebsFunction -CachePath $c | Remove-SebsFunction -CachePath $c -Confirm:$false
        Get-SebsFunction -CachePath $c | Should -BeNullOrEmpty
    }

    It 'a piped function is updated in place: its name, language and timeout stay, the memory changes' {
        $c = Join-Path $TestDrive 'piped'
        $f = New-SebsFunction 010.sleep -Language nodejs -Timeout 42 -FunctionName 'my-sleep' -Sandbox Process -CachePath $c
        $u = @(Get-SebsFunction -CachePath $c | Update-SebsFunction -Memory 320 -Sandbox Process -CachePath $c)
        $u.Count | Should -Be 1
        $u[0].Name | Should -Be 'my-sleep'
        $u[0].Language | Should -Be 'nodejs'
        $u[0].TimeoutSeconds | Should -Be 42
        $u[0].MemoryMB | Should -Be 320
        @(Get-SebsFunction -CachePath $c).Count | Should -Be 1 -Because 'no second function was created'
        (Get-SebsFunction -CachePath $c | New-SebsCodePackage -CachePath $c -Sandbox Process).Language | Should -Be 'nodejs'
        Get-SebsFunction -CachePath $c | Remove-SebsFunction -CachePath $c -Confirm:$false
    }

    It 'takes the language and version from the config''s experiments.runtime when not given' {
        $c = Join-Path $TestDrive 'runtime'
        $cfg = Join-Path $TestDrive 'runtime.json'
        '{"experiments": {"runtime": {"language": "nodejs", "version": "18"}}, "deployment": {"name": "local"}}' | Set-Content $cfg
        $r = Invoke-SebsBenchmark 010.sleep -Repetitions 1 -Payload @{ sleep = 0 } -ConfigPath $cfg -Sandbox Process -CachePath $c -WarningAction SilentlyContinue
        $r.Language | Should -Be 'nodejs'
        $r.FunctionName | Should -BeLike '*-nodejs-18'
        # A host process runs the host's node: the result records that version, not the one asked for.
        $r.LanguageVersion | Should -Be ((node -p "process.versions.node.split('.')[0]"))
        (Invoke-SebsBenchmark 010.sleep -Language python -Repetitions 1 -Payload @{ sleep = 0 } -ConfigPath $cfg -Sandbox Process -CachePath $c -WarningAction SilentlyContinue).FunctionName |
            Should -BeLike '*-python-3.11' -Because 'the config''s version is for Node.js'
        Get-SebsFunction -CachePath $c | Remove-SebsFunction -CachePath $c -Confirm:$false
    }

    It 'Get-SebsMetrics reports memory per sandbox' {
        Invoke-SebsBenchmark 010.sleep -Repetitions 2 -Payload @{ sleep = 0.3 } -Sandbox Process -CachePath $cache | Out-Null
        $m = Get-SebsMetrics -Platform Local -Sandbox Process -CachePath $cache -FunctionName 'sebs-local-010.sleep-python*'
        $m | Should -Not -BeNullOrEmpty
        $m[0] | Should -BeOfType ([Sebs.Core.Results.MemoryStatistics])
        $m[0].Samples | Should -BeGreaterThan 0
        $m[0].MaxMB | Should -BeGreaterThan 1
    }
}

Describe 'Self-hosted storage' {
    It 'Start-SebsStorage with an image that is neither present nor pullable says so' {
        $services = Get-SebsTestServices
        if ($services.SEBS_TEST_DOCKER -ne '1') { throw "Docker is not available for the tests (SEBS_TEST_DOCKER=$($services.SEBS_TEST_DOCKER))." }
        Start-SebsStorage -Image 'sebs-test/no-such-minio:0' -CachePath (Join-Path $TestDrive 'st') -ErrorVariable err -ErrorAction SilentlyContinue |
            Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'Sebs.StorageError*'
        $err[0].Exception.Message | Should -Match 'sebs-test/no-such-minio:0'
    }
}

Describe 'Results survive on disk' {
    It 'appends every result to the JSON-lines journal as it arrives, readable by Import-SebsResult' {
        $journal = Join-Path $TestDrive 'run.jsonl'
        $r = Invoke-SebsBenchmark 010.sleep -Repetitions 4 -Payload @{ sleep = 0 } -Sandbox Process -CachePath $cache -ResultsPath $journal
        $back = Import-SebsResult -Path $journal
        $back | Should -HaveCount 4
        $back.RequestId | Should -Be $r.RequestId
        ($back | Where-Object IsCold).Count | Should -Be ($r | Where-Object IsCold).Count
        if (-not $IsWindows) { [int](Get-Item $journal).UnixFileMode | Should -Be ([Convert]::ToInt32('600', 8)) }
    }

    It 'keeps what was measured when the run is stopped half-way' {
        $journal = Join-Path $TestDrive 'stopped.jsonl'
        $ps = [PowerShell]::Create()
        $null = $ps.AddScript("Import-Module '$env:SEBS_TEST_MODULE'; Invoke-SebsBenchmark 010.sleep -Repetitions 50 -Payload @{ sleep = 0.1 } -Sandbox Process -CachePath '$cache' -ResultsPath '$journal'")
        $handle = $ps.BeginInvoke()
        $deadline = (Get-Date).AddSeconds(30)
        while ((-not (Test-Path $journal) -or @(Get-Content $journal).Count -lt 5) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }
        $ps.Stop()
        $ps.Dispose()
        $kept = @(Import-SebsResult -Path $journal)
        $kept.Count | Should -BeGreaterOrEqual 5
        $kept.Count | Should -BeLessThan 50
        $kept | ForEach-Object { $_.Failed | Should -BeFalse }
    }
}
