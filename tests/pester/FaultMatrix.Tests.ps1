# Fault matrix (issue: nothing measured is lost, nothing leaks, nothing is mislabelled). Each case makes something go
# wrong during a run on the local platform and checks that the error is a clear ErrorRecord with a Sebs id, that every
# result measured before the fault is on disk and re-importable, and that no sandbox is left behind.
# Process sandboxes (fast, no Docker); the Docker cases use the shared engine only to start and stop our own containers.
BeforeDiscovery {
    # -Skip is decided at discovery: the Docker cases need an engine and the Python run image (tests/infra/start-services.sh).
    $dockerUp = $false
    if (Get-Command docker -ErrorAction SilentlyContinue) {
        docker info *> $null
        $dockerUp = $LASTEXITCODE -eq 0 -and [bool](docker images -q sebs/run.local.python:3.11 2>$null)
    }
}

BeforeAll {
    Import-Module $env:SEBS_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SebsTestHelpers.psm1') -Force
    $script:root = Join-Path ([IO.Path]::GetTempPath()) ("sebs-fault-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory $root | Out-Null
    $script:suite = Join-Path $PSScriptRoot 'benchmarks'

    function New-Case([string]$name) {
        $dir = Join-Path $root $name
        New-Item -ItemType Directory $dir -Force | Out-Null
        @{ Dir = $dir; Cache = (Join-Path $dir 'cache'); Journal = (Join-Path $dir 'results.jsonl') }
    }
    # Host processes whose environment says this cache started them (SEBS_SANDBOX_OWNER).
    function Get-OwnedProcesses([string]$cache) {
        $full = [IO.Path]::GetFullPath($cache)
        foreach ($d in Get-ChildItem /proc -Directory -ErrorAction SilentlyContinue | Where-Object Name -match '^\d+$') {
            try { $envText = [IO.File]::ReadAllText("/proc/$($d.Name)/environ") } catch { continue }
            if ($envText.Split([char]0) -contains "SEBS_SANDBOX_OWNER=$full") { [int]$d.Name }
        }
    }
    $script:dockerUp = $false
    if (Get-Command docker -ErrorAction SilentlyContinue) {
        docker info *> $null
        $script:dockerUp = $LASTEXITCODE -eq 0 -and [bool](docker images -q sebs/run.local.python:3.11 2>$null)
    }
    function Get-OwnedContainers([string]$cache) {
        if (-not $dockerUp) { return }
        docker ps -a --filter "label=sebs.owner=$([IO.Path]::GetFullPath($cache))" --format '{{.ID}}'
    }
}

AfterAll {
    Get-Job | Where-Object PSJobTypeName -eq 'SebsExperimentJob' | Remove-Job -Force -ErrorAction SilentlyContinue
    Remove-SebsTestFunctions -Root $root
    Remove-Item -Recurse -Force $root -ErrorAction SilentlyContinue
}

Describe 'Fault matrix: the function misbehaves' {
    It 'a function <Mode> on its first call: that result fails with a message, the others go on, all are on disk' -ForEach @(
        @{ Mode = 'crash'; Message = 'asked to crash' }
        @{ Mode = 'exit'; Message = '.' }
        @{ Mode = 'hang'; Message = 'timeout' }
        @{ Mode = 'nonjson'; Message = 'not JSON' }
    ) {
        $c = New-Case "fn-$Mode"
        $payload = @{ mode = $Mode; once = (Join-Path $c.Dir 'seen') }
        $r = @(Invoke-SebsBenchmark 903.faults -BenchmarkPath $suite -Payload $payload -Repetitions 3 -Sandbox Process `
                -CachePath $c.Cache -ResultsPath $c.Journal -ErrorVariable errs -WarningAction SilentlyContinue)
        $errs | Should -BeNullOrEmpty -Because (($errs | ForEach-Object { "$($_.FullyQualifiedErrorId): $_" }) -join '; ')
        $r.Count | Should -Be 3
        $r[0].Failed | Should -BeTrue
        $r[0].ErrorMessage | Should -Match $Message
        if ($Mode -eq 'hang') { $r[0].TimedOut | Should -BeTrue }
        $r[1..2] | ForEach-Object { $_.Failed | Should -BeFalse -Because $_.ErrorMessage }
        $kept = @(Import-SebsResult $c.Journal)
        $kept.Count | Should -Be 3
        @($kept | Where-Object Failed).Count | Should -Be 1
        Get-SebsFunction -CachePath $c.Cache | Remove-SebsFunction -CachePath $c.Cache -Force
        @(Get-OwnedProcesses $c.Cache) | Should -BeNullOrEmpty
    }

    It 'a failed invocation keeps IsCold as its output says' {
        $c = New-Case 'cold-failure'
        $r = @(Invoke-SebsBenchmark 903.faults -BenchmarkPath $suite -Payload @{ mode = 'crash' } -Repetitions 2 -Sandbox Process `
                -CachePath $c.Cache -ResultsPath $c.Journal -WarningAction SilentlyContinue)
        $r[0].Failed | Should -BeTrue
        $r[0].Output['is_cold'].ToString() | Should -Be 'true'
        $r[0].IsCold | Should -BeTrue
        $r[1].IsCold | Should -Be ($r[1].Output['is_cold'].ToString() -eq 'true')
        (Import-SebsResult $c.Journal)[0].IsCold | Should -BeTrue
    }
}

Describe 'Fault matrix: where results and state go' {
    It 'a results path that cannot be written is refused before anything is deployed' {
        $c = New-Case 'unwritable'
        Invoke-SebsBenchmark 010.sleep -Payload @{ sleep = 0 } -Repetitions 2 -Sandbox Process -CachePath $c.Cache `
            -ResultsPath '/proc/sebs-no-write/results.jsonl' -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'Sebs.ResultsNotWritable*'
        $errs[0].Exception.Message | Should -Match '/proc/sebs-no-write/results.jsonl'
        $errs[0].CategoryInfo.Category | Should -Be 'WriteError'
        @(Get-SebsFunction -CachePath $c.Cache -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty
        @(Get-OwnedProcesses $c.Cache) | Should -BeNullOrEmpty
    }

    It 'a truncated cache index is quarantined and reported; the rest of the cache and its advice work' {
        $c = New-Case 'corrupt-cache'
        Invoke-SebsBenchmark 010.sleep -Payload @{ sleep = 0 } -Repetitions 1 -Sandbox Process -CachePath $c.Cache | Out-Null
        Invoke-SebsBenchmark 903.faults -BenchmarkPath $suite -Payload @{ mode = 'ok' } -Repetitions 1 -Sandbox Process -CachePath $c.Cache | Out-Null
        $index = Join-Path $c.Cache '903.faults/config.json'
        $text = Get-Content -Raw $index
        Set-Content -Path $index -Value $text.Substring(0, [int]($text.Length / 2)) -NoNewline
        $fs = @(Get-SebsFunction -CachePath $c.Cache -ErrorAction SilentlyContinue -ErrorVariable errs)
        $fs.Name | Should -Be 'sebs-local-010.sleep-python-3.11'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'Sebs.CacheCorrupt*'
        $errs[0].Exception.Message | Should -Match 'moved to'
        @(Get-ChildItem (Join-Path $c.Cache '903.faults') -Filter 'config.json.corrupt-*').Count | Should -Be 1
        { Clear-SebsCache -Benchmark 903.faults -CachePath $c.Cache -Confirm:$false -ErrorAction Stop } | Should -Not -Throw
        $again = @(Invoke-SebsBenchmark 903.faults -BenchmarkPath $suite -Payload @{ mode = 'ok' } -Repetitions 1 -Sandbox Process -CachePath $c.Cache)
        $again[0].Failed | Should -BeFalse
        Get-SebsFunction -CachePath $c.Cache | Remove-SebsFunction -CachePath $c.Cache -Force
        # The 903 sandbox of before the corruption had no entry left: found by its label and stopped with the rest.
        Remove-SebsResource -Platform Local -CachePath $c.Cache -Confirm:$false -ErrorAction SilentlyContinue
        @(Get-OwnedProcesses $c.Cache) | Should -BeNullOrEmpty
    }

    It 'a storage endpoint that is down gives a Sebs error, not a crash' {
        $c = New-Case 'storage-down'
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); $listener.Start()
        $port = $listener.LocalEndpoint.Port; $listener.Stop()   # a port nothing listens on
        $cfg = Join-Path $c.Dir 'config.json'
        @{ deployment = @{ name = 'local'; local = @{ storage = @{ object = @{ type = 'minio'; minio = @{ address = "127.0.0.1:$port"; access_key = 'a'; secret_key = 'b' } } } } } } |
            ConvertTo-Json -Depth 8 | Set-Content $cfg
        Invoke-SebsBenchmark 901.storage-echo -BenchmarkPath $suite -Repetitions 1 -Sandbox Process -ConfigPath $cfg -CachePath $c.Cache `
            -ResultsPath $c.Journal -ErrorVariable errs -ErrorAction SilentlyContinue | Out-Null
        $errs | Should -Not -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'Sebs.*'
        $errs[0].FullyQualifiedErrorId | Should -Not -BeLike 'Sebs.UnexpectedError*'
        Get-SebsFunction -CachePath $c.Cache -ErrorAction SilentlyContinue | Remove-SebsFunction -CachePath $c.Cache -Force
    }
}

Describe 'Fault matrix: sessions' {
    It 'after Stop-Job of an experiment, Remove-SebsFunction still works and the journal re-imports' {
        $c = New-Case 'stop-job'
        $o = Join-Path $c.Dir 'exp'
        $job = Start-SebsExperiment perf-cost -Benchmark 010.sleep -Experiments warm -Repetitions 100000 -Memory 128 -Sandbox Process `
            -CachePath $c.Cache -OutputPath $o -AsJob
        $journal = Join-Path $o 'perf-cost/journal.jsonl'
        Wait-SebsJournalLines -Path $journal -Count 3
        Stop-Job $job
        $job.State | Should -Be 'Stopped'
        @(Import-SebsResult $journal).Count | Should -BeGreaterOrEqual 3
        Remove-Job $job -Force
        { Get-SebsFunction -CachePath $c.Cache | Remove-SebsFunction -CachePath $c.Cache -Force -ErrorAction Stop } | Should -Not -Throw
        { Remove-SebsFunction -Name '*' -CachePath $c.Cache -Force -ErrorAction Stop } | Should -Not -Throw
        @(Get-OwnedProcesses $c.Cache) | Should -BeNullOrEmpty
    }

    It 'Ctrl+C during Invoke-SebsBenchmark stops at once and keeps every result measured before it' -Skip:(-not (Get-Command python3 -ErrorAction SilentlyContinue)) {
        $c = New-Case 'ctrl-c'
        $pwsh = Join-Path $PSHOME 'pwsh'
        $command = "`$ProgressPreference = 'SilentlyContinue'; Import-Module '$env:SEBS_TEST_MODULE'; " +
            "Invoke-SebsBenchmark 010.sleep -Payload @{ sleep = 0 } -Repetitions 100000 -Sandbox Process -CachePath '$($c.Cache)' -ResultsPath '$($c.Journal)' | Out-Null; 'finished'"
        $ended = python3 (Join-Path $PSScriptRoot 'tools/press-ctrl-c.py') $c.Journal 5 90 $pwsh -NoProfile -Command $command | ConvertFrom-Json
        $ended.pressed | Should -BeTrue -Because "the run journals results ($($ended.output))"
        $ended.exited | Should -BeTrue
        $ended.output | Should -Not -Match 'finished'
        $kept = @(Import-SebsResult $c.Journal)
        $kept.Count | Should -BeGreaterOrEqual 5
        $kept | ForEach-Object { $_.Failed | Should -BeFalse }
        Get-SebsFunction -CachePath $c.Cache | Remove-SebsFunction -CachePath $c.Cache -Force
        @(Get-OwnedProcesses $c.Cache) | Should -BeNullOrEmpty
    }

    It 'a bad DOCKER_HOST is not remembered once it is fixed' -Skip:(-not $dockerUp) {
        $c = New-Case 'docker-host'
        $saved = $env:DOCKER_HOST
        try {
            $env:DOCKER_HOST = 'unix:///nonexistent/docker.sock'
            Invoke-SebsBenchmark 010.sleep -Payload @{ sleep = 0 } -Repetitions 1 -Sandbox Docker -CachePath $c.Cache -ErrorVariable errs -ErrorAction SilentlyContinue | Out-Null
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'Sebs.DockerUnreachable*'
            $errs[0].Exception.Message | Should -Match 'nonexistent'
            # Auto, with no engine answering: a host process, as documented.
            (Invoke-SebsBenchmark 903.faults -BenchmarkPath $suite -Payload @{ mode = 'ok' } -Repetitions 1 -CachePath $c.Cache).MemoryLimitEnforced | Should -BeFalse
        }
        finally { $env:DOCKER_HOST = $saved }
        $r = @(Invoke-SebsBenchmark 010.sleep -Payload @{ sleep = 0 } -Repetitions 1 -Sandbox Docker -CachePath $c.Cache)
        $r[0].Failed | Should -BeFalse -Because $r[0].ErrorMessage
        # Auto asks the engine again once DOCKER_HOST is fixed: the next new function runs in a container.
        $auto = @(Invoke-SebsBenchmark 110.dynamic-html -Repetitions 1 -CachePath $c.Cache)
        $auto[0].Failed | Should -BeFalse -Because $auto[0].ErrorMessage
        (Get-SebsFunction -CachePath $c.Cache -Benchmark 110.dynamic-html).Sandbox | Should -Be 'docker'
        $auto[0].MemoryLimitEnforced | Should -BeTrue -Because 'a container applies the memory limit'
        Get-SebsFunction -CachePath $c.Cache | Remove-SebsFunction -CachePath $c.Cache -Force
        @(Get-OwnedContainers $c.Cache) | Should -BeNullOrEmpty
    }

    It 'the Docker engine going away mid-run keeps what was measured and says so (a stand-in endpoint that goes away)' -Skip:(-not $dockerUp) {
        # Not the shared dockerd: a socket proxy in front of it (tools/docker-socket-proxy.py) is killed after two results.
        $c = New-Case 'docker-gone'
        $sock = Join-Path $c.Dir 'docker.sock'
        $proxy = Start-Process python3 -ArgumentList (Join-Path $PSScriptRoot 'tools/docker-socket-proxy.py'), $sock -PassThru
        $deadline = (Get-Date).AddSeconds(10)
        while (-not (Test-Path $sock) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 50 }
        $saved = $env:DOCKER_HOST
        try {
            $env:DOCKER_HOST = "unix://$sock"
            $n = 0
            $r = @(Invoke-SebsBenchmark 010.sleep -Payload @{ sleep = 0 } -Repetitions 6 -ColdStart -Sandbox Docker -CachePath $c.Cache `
                    -ResultsPath $c.Journal -ErrorVariable errs -ErrorAction SilentlyContinue | ForEach-Object {
                        $n++
                        if ($n -eq 2) { Stop-Process -Id $proxy.Id; $proxy.WaitForExit(5000) | Out-Null }
                        $_
                    })
        }
        finally {
            $env:DOCKER_HOST = $saved
            if (-not $proxy.HasExited) { Stop-Process -Id $proxy.Id }
        }
        $errs | Should -Not -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'Sebs.DockerUnreachable*' -Because $errs[0].Exception.Message
        $errs[0].Exception.Message | Should -Match ([regex]::Escape($sock))
        $r.Count | Should -BeGreaterOrEqual 2
        $kept = @(Import-SebsResult $c.Journal)
        $kept.Count | Should -Be $r.Count
        $kept | Select-Object -First 2 | ForEach-Object { $_.Failed | Should -BeFalse }
        # The stand-in cuts the client's connection, but the shared dockerd behind it still finishes a request it had
        # received (a container being created for the next cold batch), which an engine that went away would not: on a
        # loaded machine that container appears only after removal has looked. So wait until the set of this cache's
        # containers has settled, as it has by the time a real engine is reachable again.
        $before = $null
        $deadline = (Get-Date).AddSeconds(15)
        do {
            Start-Sleep -Milliseconds 500
            $now = (@(Get-OwnedContainers $c.Cache) | Sort-Object) -join ','
            $settled = $now -eq $before
            $before = $now
        } until ($settled -or (Get-Date) -gt $deadline)
        # With the engine reachable again, removal finds and stops the container the interrupted run left.
        Get-SebsFunction -CachePath $c.Cache | Remove-SebsFunction -CachePath $c.Cache -Force
        @(Get-OwnedContainers $c.Cache) | Should -BeNullOrEmpty
    }

    It 'two and four pwsh processes sharing one cache lose no result and leave the cache readable' -ForEach @(@{ N = 2 }, @{ N = 4 }) {
        $c = New-Case "shared-$N"
        $pwsh = Join-Path $PSHOME 'pwsh'
        $procs = foreach ($i in 1..$N) {
            $script = "`$ProgressPreference='SilentlyContinue'; Import-Module '$env:SEBS_TEST_MODULE'; " +
                "Invoke-SebsBenchmark 010.sleep -Payload @{ sleep = 0 } -Repetitions 2 -Sandbox Process -CachePath '$($c.Cache)' -ResultsPath '$($c.Dir)/r$i.jsonl' | Out-Null"
            Start-Process $pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-Command', $script -PassThru -RedirectStandardError "$($c.Dir)/err$i.txt"
        }
        $procs | Wait-Process -Timeout 150
        $procs | ForEach-Object { $_.ExitCode | Should -Be 0 -Because (Get-Content -Raw "$($c.Dir)/err$($procs.IndexOf($_) + 1).txt" -ErrorAction SilentlyContinue) }
        foreach ($i in 1..$N) { @(Import-SebsResult "$($c.Dir)/r$i.jsonl").Count | Should -Be 2 }
        { Get-Content -Raw (Join-Path $c.Cache '010.sleep/config.json') | ConvertFrom-Json } | Should -Not -Throw
        Get-SebsFunction -CachePath $c.Cache | Remove-SebsFunction -CachePath $c.Cache -Force
        @(Get-OwnedProcesses $c.Cache) | Should -BeNullOrEmpty -Because 'every sandbox any of the processes started carries the cache''s label'
    }
}

Describe 'Fault matrix: sandboxes are never leaked' {
    It 'three invocations at once on a fresh cache share one sandbox, and removal stops everything' {
        $c = New-Case 'parallel'
        $module = $env:SEBS_TEST_MODULE; $cache = $c.Cache
        $r = 1..3 | ForEach-Object -ThrottleLimit 3 -Parallel {
            Import-Module $using:module
            Invoke-SebsBenchmark 010.sleep -Payload @{ sleep = 0 } -Repetitions 1 -Sandbox Process -CachePath $using:cache
        }
        @($r).Count | Should -Be 3
        @($r | Where-Object Failed).Count | Should -Be 0
        @(Get-OwnedProcesses $c.Cache).Count | Should -Be 1
        Get-SebsFunction -CachePath $c.Cache | Remove-SebsFunction -CachePath $c.Cache -Force
        @(Get-OwnedProcesses $c.Cache) | Should -BeNullOrEmpty
    }

    It 'Clear-SebsCache stops the functions whose entries it removes' {
        $c = New-Case 'clear'
        Invoke-SebsBenchmark 010.sleep -Payload @{ sleep = 0 } -Repetitions 1 -Sandbox Process -CachePath $c.Cache | Out-Null
        @(Get-OwnedProcesses $c.Cache).Count | Should -Be 1
        Clear-SebsCache -CachePath $c.Cache -Confirm:$false
        @(Get-OwnedProcesses $c.Cache) | Should -BeNullOrEmpty
    }

    It 'switching -Sandbox recreates the function and stops the old sandbox' -Skip:(-not $dockerUp) {
        $c = New-Case 'switch'
        Invoke-SebsBenchmark 010.sleep -Payload @{ sleep = 0 } -Repetitions 1 -Sandbox Docker -CachePath $c.Cache | Out-Null
        @(Get-OwnedContainers $c.Cache).Count | Should -Be 1
        Invoke-SebsBenchmark 010.sleep -Payload @{ sleep = 0 } -Repetitions 1 -Sandbox Process -CachePath $c.Cache | Out-Null
        @(Get-OwnedContainers $c.Cache) | Should -BeNullOrEmpty
        @(Get-OwnedProcesses $c.Cache).Count | Should -Be 1
        Get-SebsFunction -CachePath $c.Cache | Remove-SebsFunction -CachePath $c.Cache -Force
        @(Get-OwnedProcesses $c.Cache) | Should -BeNullOrEmpty
    }
}

Describe 'Fault matrix: results are labelled with what ran' {
    It '-LanguageVersion 3.8 in a process sandbox records the host''s interpreter and says memory was not enforced' {
        $c = New-Case 'runtime'
        $hostVersion = (python3 -c "import sys; print('%d.%d' % sys.version_info[:2])")
        $r = @(Invoke-SebsBenchmark 010.sleep -LanguageVersion 3.8 -Memory 64 -Payload @{ sleep = 0 } -Repetitions 1 -Sandbox Process `
                -CachePath $c.Cache -ResultsPath $c.Journal -WarningVariable warns -WarningAction SilentlyContinue)
        $r[0].LanguageVersion | Should -Be $hostVersion
        $r[0].MemoryLimitEnforced | Should -BeFalse
        $r[0].FunctionMemoryMB | Should -Be 64
        ($warns -join "`n") | Should -Match "runs python $([regex]::Escape($hostVersion)), not 3.8"
        $kept = Import-SebsResult $c.Journal
        $kept.LanguageVersion | Should -Be $hostVersion
        $kept.MemoryLimitEnforced | Should -BeFalse
    }

    It '-Validate with a hashtable payload validates (numbers from PowerShell read as a file''s would)' {
        $c = New-Case 'validate'
        $r = @(Invoke-SebsBenchmark 110.dynamic-html -Payload @{ username = 'sebs'; random_len = 10 } -Validate -Repetitions 1 -Sandbox Process -CachePath $c.Cache)
        $r[0].Failed | Should -BeFalse -Because $r[0].ErrorMessage
        $r[0].Valid | Should -BeTrue -Because $r[0].ValidationMessage
    }
}
