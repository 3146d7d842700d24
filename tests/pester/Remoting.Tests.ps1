# Fan-out over PowerShell remoting, for real: three sshd instances on 127.0.0.1 (their own ports, configs, host keys,
# key authentication, a known_hosts written here) with the PowerShell subsystem stand in for load hosts. The function
# runs on the local platform (process sandbox), which every host reaches over 127.0.0.1.
# Host 2 reads its clock 5 s fast (SEBS_TEST_CLOCK_SKEW_MS set by its sshd), so offsets have something to correct.

BeforeAll {
    Import-Module $env:SEBS_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SebsTestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../infra/sshd/SshTestHosts.psm1') -Force
    $script:modulePath = $env:SEBS_TEST_MODULE
    $script:root = Join-Path ([IO.Path]::GetTempPath()) ("sebs-remoting-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $script:cache = Join-Path $root 'cache'
    $script:skewMs = 5000
    $script:lab = Start-SshTestHosts -Count 3 -Root (Join-Path $root 'ssh') -Environment @{ 2 = @{ SEBS_TEST_CLOCK_SKEW_MS = "$skewMs" } }
    $script:common = @{
        Language = 'python'; Sandbox = 'Process'; CachePath = $cache; RemoteModulePath = $modulePath
    }
    function Open-Sessions { @(New-SshTestSession $lab) }
    function Read-Journal($path) { @(Get-Content $path | ForEach-Object { $_ | ConvertFrom-Json -Depth 20 }) }
}

AfterAll {
    Get-PSSession | Remove-PSSession -ErrorAction SilentlyContinue
    Remove-SebsTestFunctions -Root $root
    if ($lab) { Stop-SshTestHosts $lab }
    Remove-Item -Recurse -Force $root -ErrorAction SilentlyContinue
}

Describe 'Invoke-SebsBenchmark over three load hosts' {
    BeforeAll {
        $script:sessions = Open-Sessions
        $script:journal = Join-Path $root 'three.jsonl'
        $script:callerBegin = [DateTime]::Now
        $script:results = @(Invoke-SebsBenchmark 010.sleep -Payload @{ sleep = 0.05 } -Repetitions 30 -Concurrency 3 -Session $sessions `
            -ResultsPath $journal @common)
        $script:callerEnd = [DateTime]::Now
        $script:hostNames = @($lab.Hosts.Name)
    }
    AfterAll { $sessions | Remove-PSSession -ErrorAction SilentlyContinue }

    It 'runs every invocation once, each host its stated share' {
        $results | Should -HaveCount 30
        ($results | Where-Object Failed) | Should -BeNullOrEmpty -Because (($results | Where-Object Failed).ErrorMessage -join '; ')
        ($results.Invocation | Sort-Object) | Should -Be (0..29)
        $byHost = $results | Group-Object ClientHost
        $byHost.Name | Sort-Object | Should -Be ($hostNames | Sort-Object)
        foreach ($g in $byHost) {
            $g.Count | Should -Be 10
            # A contiguous block of numbers per host, as the share says.
            $n = $g.Group.Invocation | Sort-Object
            ($n[-1] - $n[0]) | Should -Be 9
        }
        $results | ForEach-Object { $_.Platform | Should -Be 'Local'; $_.Benchmark | Should -Be '010.sleep'; $_.BenchmarkMs | Should -BeGreaterOrEqual 45 }
    }

    It 'merges the hosts into one run: interleaved in time, journaled with ClientHost, the shares on record' {
        $ordered = $results | Sort-Object { $_.Times.ClientBegin }
        # The hosts ran at once: in time order the host changes often, it is not one host's block after another.
        $changes = 0
        for ($i = 1; $i -lt $ordered.Count; $i++) { if ($ordered[$i].ClientHost -ne $ordered[$i - 1].ClientHost) { $changes++ } }
        $changes | Should -BeGreaterThan 10
        $lines = Read-Journal $journal
        $lines | Should -HaveCount 30
        ($lines.sebs_context.client_host | Sort-Object -Unique) | Should -Be ($hostNames | Sort-Object)
        $imported = @(Import-SebsResult $journal)
        $imported | Should -HaveCount 30
        ($imported | Group-Object ClientHost).Count | Should -Be 3
        $report = Get-Content ($journal -replace '\.jsonl$', '.hosts.json') -Raw | ConvertFrom-Json
        $report | Should -HaveCount 3
        $report | ForEach-Object { $_.assigned | Should -Be 10; $_.completed | Should -Be 10; $_.failed | Should -BeFalse }
    }

    It 'measures each host''s clock offset at start and end and applies it to ClientBegin/ClientEnd' {
        $skewed = $lab.Hosts[2].Name
        foreach ($r in $results) {
            $r.ClockUncertaintyMs | Should -BeGreaterThan 0
            $r.ClockUncertaintyMs | Should -BeLessThan 250
            if ($r.ClientHost -eq $skewed) {
                [math]::Abs($r.ClockOffsetMs - $skewMs) | Should -BeLessOrEqual ($r.ClockUncertaintyMs + 5)
            } else {
                [math]::Abs($r.ClockOffsetMs) | Should -BeLessOrEqual ($r.ClockUncertaintyMs + 5)
            }
            # On the caller's clock every invocation lies inside the caller's own view of the run (5 s off without the correction).
            $r.Times.ClientBegin | Should -BeGreaterOrEqual $callerBegin
            $r.Times.ClientEnd | Should -BeLessOrEqual $callerEnd
            ($r.Times.ClientEnd - $r.Times.ClientBegin).TotalMilliseconds | Should -BeGreaterOrEqual 45
        }
        $report = Get-Content ($journal -replace '\.jsonl$', '.hosts.json') -Raw | ConvertFrom-Json
        $end = ($report | Where-Object host -eq $skewed).clock_end
        [math]::Abs($end.offset_ms - $skewMs) | Should -BeLessOrEqual ($end.uncertainty_ms + 5)
        $end.samples | Should -BeGreaterThan 1
    }

    It '-ColdStart goes in rounds of -Concurrency, the caller forcing the cold start before each' {
        $r = @(Invoke-SebsBenchmark 010.sleep -Payload @{ sleep = 0.2 } -Repetitions 4 -Concurrency 2 -ColdStart -Session $sessions[0], $sessions[1] `
            -ResultsPath (Join-Path $root 'cold.jsonl') @common)
        $r | Should -HaveCount 4
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        ($r.Invocation | Sort-Object) | Should -Be (0..3)
        # Each round has one invocation per host, in a fresh sandbox: a new container for every round.
        foreach ($round in @(0, 1), @(2, 3)) {
            $inRound = @($r | Where-Object { $_.Invocation -in $round })
            ($inRound.ClientHost | Sort-Object -Unique) | Should -HaveCount 2
            ($inRound | Where-Object IsCold) | Should -Not -BeNullOrEmpty
        }
        (($r | Where-Object { $_.Invocation -in 0, 1 }).ContainerId | Select-Object -Unique) |
            Should -Not -BeIn (($r | Where-Object { $_.Invocation -in 2, 3 }).ContainerId)
    }

    It 'leaves the sessions the user opened open' {
        $sessions | ForEach-Object { $_.State | Should -Be 'Opened' }
        (Invoke-Command -Session $sessions { 1 }) | Should -HaveCount 3
    }
}

Describe 'Invoke-SebsBenchmark -ComputerName' {
    It 'opens SSH sessions itself with the SSH options, splits the concurrency and closes the sessions afterwards' {
        $r = @(Invoke-SebsBenchmark 010.sleep -Payload @{ sleep = 0 } -Repetitions 7 -Concurrency 2 -ComputerName $lab.Hosts[0].Name, $lab.Hosts[1].Name, $lab.Hosts[2].Name `
            -UserName $lab.UserName -KeyFilePath $lab.KeyFilePath -SshOption $lab.Options -ResultsPath (Join-Path $root 'cn.jsonl') -Verbose @common 4>&1)
        $verbose = $r | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $results = $r | Where-Object { $_ -is [Sebs.Core.Results.ExecutionResult] }
        $results | Should -HaveCount 7
        ($results.Invocation | Sort-Object) | Should -Be (0..6)
        # Concurrency 2 over three hosts: two hosts with one slot each, the third idle (its share says so).
        ($results | Group-Object ClientHost).Count | Should -Be 2
        ($verbose.Message -match 'Share: .*no invocations') | Should -HaveCount 1
        ($verbose.Message -match 'Share: .*concurrency 1') | Should -HaveCount 2
        # The sessions it opened are closed: no process serves a connection on any host any more.
        Start-Sleep -Milliseconds 500
        foreach ($h in $lab.Hosts) { @(Get-SshTestHostChildren $h) | Should -HaveCount 0 }
    }

    It 'names the host it cannot reach' {
        $closed = Get-Random -Minimum 20000 -Maximum 30000
        { Invoke-SebsBenchmark 010.sleep -Repetitions 1 -ComputerName "127.0.0.1:$closed" -UserName $lab.UserName -KeyFilePath $lab.KeyFilePath `
            -SshOption $lab.Options @common -ErrorAction Stop } |
            Should -Throw -ErrorId 'Sebs.RemoteHostUnreachable*' -ExpectedMessage "*127.0.0.1:$closed*"
    }

    It 'refuses library triggers with a Sebs id (they would need the caller''s credentials on the hosts)' {
        { Invoke-SebsBenchmark 010.sleep -Repetitions 1 -Trigger Library -ComputerName $lab.Hosts[0].Name -UserName $lab.UserName `
            -KeyFilePath $lab.KeyFilePath -SshOption $lab.Options @common -ErrorAction Stop } |
            Should -Throw -ErrorId 'Sebs.RemoteTriggerUnsupported*'
    }
}

Describe 'A load host that drops out mid-run' {
    It 'loses only its in-flight invocations; its finished results are journaled; the others take over the rest' {
        $sessions = Open-Sessions
        try {
            $victim = $lab.Hosts[1]
            $ids = @(Get-SshTestHostChildren $victim)
            $ids | Should -Not -BeNullOrEmpty
            $journal = Join-Path $root 'killed.jsonl'
            # Killed from outside once 5 of its 30 results are in the caller's journal (each host has ~3 s of work).
            $killer = Start-Process bash -PassThru -ArgumentList (@((Join-Path $PSScriptRoot '../infra/sshd/kill-when-journaled.sh'), $journal,
                $victim.Name, 5) + $ids)
            $results = @(Invoke-SebsBenchmark 010.sleep -Payload @{ sleep = 0.1 } -Repetitions 90 -Concurrency 3 -Session $sessions `
                -ResultsPath $journal -ErrorVariable runErrors -ErrorAction SilentlyContinue -WarningAction SilentlyContinue @common)
            $killer.WaitForExit()

            $hostError = @($runErrors | Where-Object { $_.FullyQualifiedErrorId -like 'Sebs.RemoteHostFailed*' })
            $hostError | Should -HaveCount 1
            $hostError[0].Exception.Message | Should -Match ([regex]::Escape($victim.Name))
            $report = Get-Content ($journal -replace '\.jsonl$', '.hosts.json') -Raw | ConvertFrom-Json
            $dead = $report | Where-Object host -eq $victim.Name
            $dead.failed | Should -BeTrue
            $dead.completed | Should -BeGreaterOrEqual 5
            $dead.completed | Should -BeLessThan 30
            $dead.lost | Should -BeLessOrEqual 1   # its share of the concurrency
            $hostError[0].Exception.Message | Should -Match "after $($dead.completed) of 30"

            ($results | Where-Object ClientHost -eq $victim.Name) | Should -HaveCount $dead.completed
            $results | Should -HaveCount (90 - $dead.lost)
            ($results.Invocation | Sort-Object -Unique) | Should -HaveCount $results.Count
            ($results | Where-Object Failed) | Should -BeNullOrEmpty
            # The survivors ran what the dead host had not started.
            ($report | Where-Object { -not $_.failed } | Measure-Object completed -Sum).Sum | Should -Be (90 - $dead.completed - $dead.lost)
            (Read-Journal $journal) | Should -HaveCount $results.Count
        } finally {
            $sessions | Remove-PSSession -ErrorAction SilentlyContinue
        }
    }
}

Describe 'A load host with another Sebs version' {
    It 'stops before deploying, with an error that names the host' {
        $copy = Join-Path $root 'other-version/Sebs'
        Copy-Item -Recurse (Split-Path $modulePath) $copy
        $psd1 = Join-Path $copy 'Sebs.psd1'
        (Get-Content $psd1 -Raw) -replace "ModuleVersion\s*=\s*'[^']+'", "ModuleVersion        = '0.0.9'" | Set-Content $psd1
        $sessions = Open-Sessions
        try {
            Invoke-Command -Session $sessions[2] { param($p) Import-Module $p } -ArgumentList $psd1
            $functionCache = Join-Path $root 'cache-version'
            $err = $null
            try {
                Invoke-SebsBenchmark 010.sleep -Repetitions 3 -Session $sessions @common -CachePath $functionCache -ErrorAction Stop
            } catch { $err = $_ }
            $err | Should -Not -BeNullOrEmpty
            $err.FullyQualifiedErrorId | Should -BeLike 'Sebs.RemoteModuleMismatch*'
            $err.Exception.Message | Should -Match ([regex]::Escape($lab.Hosts[2].Name))
            $err.Exception.Message | Should -Match '0\.0\.9'
            # Nothing was deployed.
            @(Get-SebsFunction -CachePath $functionCache -ErrorAction SilentlyContinue) | Should -HaveCount 0
        } finally {
            $sessions | Remove-PSSession -ErrorAction SilentlyContinue
        }
    }
}

Describe 'Credentials stay on the caller' {
    It 'hands the hosts the trigger URL only: no secret in their environment, variables or files' {
        $s3 = Get-SebsTestServices
        $secret = "sebs-canary-$([guid]::NewGuid().ToString('N'))"
        $env:AWS_SECRET_ACCESS_KEY = $secret
        $env:SEBS_TEST_CANARY = $secret
        $config = Join-Path $root 'creds-config.json'
        $storageSecret = $null
        if ($s3.SEBS_TEST_S3_ENDPOINT) { New-SebsS3TestConfig -Path $config | Out-Null; $storageSecret = $s3.SEBS_TEST_S3_SECRET_KEY }
        else { '{}' | Set-Content $config }
        $markerFile = Join-Path $root 'creds-marker'
        Set-Content $markerFile ''
        $sessions = Open-Sessions
        try {
            $r = @(Invoke-SebsBenchmark 010.sleep -Payload @{ sleep = 0 } -Repetitions 6 -Concurrency 3 -Session $sessions -ConfigPath $config @common)
            $r | Should -HaveCount 6
            ($r | Where-Object Failed) | Should -BeNullOrEmpty
            $secrets = @($secret) + @($storageSecret | Where-Object { $_ })
            $seen = Invoke-Command -Session $sessions -ArgumentList (, $secrets) {
                param($__secrets)
                # Variables of this probe itself are prefixed __ and skipped.
                $__hits = @()
                foreach ($__e in Get-ChildItem env:) { foreach ($__s in $__secrets) { if ("$($__e.Value)" -like "*$__s*") { $__hits += "env:$($__e.Name)" } } }
                foreach ($__v in Get-Variable | Where-Object Name -notlike '__*') {
                    foreach ($__s in $__secrets) { if ("$($__v.Value)" -like "*$__s*") { $__hits += "variable:$($__v.Name)" } }
                }
                , $__hits
            }
            @($seen | Where-Object { $_ }) | Should -BeNullOrEmpty
            # Nothing any host process wrote since the run started holds a secret (the hosts here share this machine's disk).
            # Where pwsh and Sebs write: temp, and PowerShell's data, cache and config folders under $HOME. find and grep,
            # since temp holds tens of thousands of other files; only files written since the run began are read.
            $places = @([IO.Path]::GetTempPath()) + @('.local/share/powershell', '.cache/powershell', '.config/powershell', '.sebs' |
                ForEach-Object { Join-Path $HOME $_ } | Where-Object { Test-Path $_ })
            # The canary only: the emulator's well-known key (S3RVER) also sits in the emulator's own files.
            $leaks = @(& bash -c 'find "${@:2}" -xdev -type f -newer "$1" -size -10M -print0 2>/dev/null | xargs -0 -r grep -l -F -- "$SEBS_TEST_CANARY" 2>/dev/null' `
                find $markerFile @places)
            $leaks | Should -BeNullOrEmpty
        } finally {
            Remove-Item env:AWS_SECRET_ACCESS_KEY, env:SEBS_TEST_CANARY -ErrorAction SilentlyContinue
            $sessions | Remove-PSSession -ErrorAction SilentlyContinue
        }
    }
}

Describe 'Start-SebsExperiment over load hosts' {
    BeforeAll {
        $script:sessions = Open-Sessions
        $script:expOut = Join-Path $root 'experiments'
        $script:expCommon = @{ Sandbox = 'Process'; CachePath = $cache; RemoteModulePath = $modulePath; Session = $sessions; OutputPath = $expOut }
    }
    AfterAll { $sessions | Remove-PSSession -ErrorAction SilentlyContinue }

    It 'perf-cost: every burst is split over the hosts; result files as on one machine, plus ClientHost' {
        $r = @(Start-SebsExperiment perf-cost -Benchmark 010.sleep -Repetitions 6 -Concurrency 3 -Memory 128 -Experiments burst, warm @expCommon)
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        foreach ($type in 'burst', 'warm') {
            $ofType = @($r | Where-Object ExperimentType -eq $type)
            $ofType.Count | Should -BeGreaterOrEqual 6
            # Concurrency 3 over three hosts: one invocation of each batch per host.
            ($ofType | Group-Object ClientHost).Count | Should -Be 3
            $file = Join-Path $expOut "perf-cost/$($type)_results_128.json"
            $j = Get-Content $file -Raw | ConvertFrom-Json -AsHashtable
            $j.Keys | Should -Contain 'statistics'
            $invocations = @($j._invocations.Values | ForEach-Object { $_.Values })
            $invocations.Count | Should -Be $j.statistics.samples_generated
            ($invocations.sebs_context.client_host | Sort-Object -Unique) | Should -Be ($lab.Hosts.Name | Sort-Object)
        }
        $report = Get-Content (Join-Path $expOut 'perf-cost/hosts.json') -Raw | ConvertFrom-Json
        $report | Should -HaveCount 3
        $report | ForEach-Object { $_.failed | Should -BeFalse; $_.completed | Should -BeGreaterThan 0 }
    }

    It 'invocation-overhead: samples taken in turn from every host, on the caller''s clock (the 5 s fast host included)' {
        $r = @(Start-SebsExperiment invocation-overhead -Repetitions 2 -N 3 -PayloadBegin 1024 -PayloadEnd 8192 -PayloadPoints 2 -ServerPort 0 @expCommon)
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        $r | Should -HaveCount 8
        ($r | Group-Object ClientHost).Count | Should -Be 3
        $rows = @(Get-SebsExperimentResult (Join-Path $expOut 'invocation-overhead'))
        $rows | Should -HaveCount 8
        # Send → handler start, both on the caller's clock: without the host offsets one host's samples would be ~-5 s.
        $rows | ForEach-Object { $_.InvocationSeconds | Should -BeGreaterThan -0.5; $_.InvocationSeconds | Should -BeLessThan 30 }
    }

    It 'refuses experiments that measure from the client itself' {
        { Start-SebsExperiment network-ping-pong -Invocations 1 -Repetitions 1 -ServerPort 0 @expCommon -ErrorAction Stop } |
            Should -Throw -ErrorId 'Sebs.InvalidConfig*' -ExpectedMessage '*runs from this machine only*'
    }
}
