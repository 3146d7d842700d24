# Start-SebsExperiment / Get-SebsExperimentResult on the local platform (process sandboxes, tiny repetitions).
BeforeAll {
    Import-Module $env:SEBS_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SebsTestHelpers.psm1') -Force
    $script:root = Join-Path ([IO.Path]::GetTempPath()) ("sebs-exp-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $script:cache = Join-Path $root 'cache'
    New-Item -ItemType Directory -Path $root | Out-Null
    function Read-Json($path) { Get-Content -Raw $path | ConvertFrom-Json -AsHashtable }
}

AfterAll {
    Get-Job | Where-Object PSJobTypeName -eq 'SebsExperimentJob' | Remove-Job -Force -ErrorAction SilentlyContinue
    Remove-SebsTestFunctions -Root $root
    Remove-Item -Recurse -Force $root -ErrorAction SilentlyContinue
}

Describe 'perf-cost' {
    BeforeAll {
        $script:out = Join-Path $root 'perf'
        $script:results = Start-SebsExperiment perf-cost -Benchmark 110.dynamic-html -Repetitions 2 -Concurrency 2 `
            -Memory 128, 256 -Experiments cold, warm, burst, sequential -Sandbox Process -CachePath $cache -OutputPath $out
    }

    It 'streams the accepted results with the experiment context' {
        $results | Should -Not -BeNullOrEmpty
        $results | ForEach-Object { $_ | Should -BeOfType ([Sebs.Core.Results.ExecutionResult]) }
        ($results | Where-Object Failed) | Should -BeNullOrEmpty -Because (($results | Where-Object Failed).ErrorMessage -join '; ')
        $results.Experiment | Select-Object -Unique | Should -Be 'perf-cost'
        foreach ($type in 'cold', 'warm', 'burst', 'sequential') {
            foreach ($m in 128, 256) {
                @($results | Where-Object { $_.ExperimentType -eq $type -and $_.FunctionMemoryMB -eq $m }).Count | Should -BeGreaterOrEqual 2 -Because "$type at $m MB"
            }
        }
    }

    It 'writes <_>_results_<M>.json in SeBS''s shape with a statistics block' -ForEach 'cold', 'warm', 'burst', 'sequential' {
        foreach ($m in 128, 256) {
            $file = Join-Path $out "perf-cost/$($_)_results_$m.json"
            $file | Should -Exist
            $j = Read-Json $file
            $j.Keys | Should -Contain '_invocations'
            $j.Keys | Should -Contain 'begin_time'
            $j.Keys | Should -Contain 'end_time'
            $j.config.experiments['perf-cost'].repetitions | Should -Be 2
            foreach ($k in 'samples_generated', 'failures', 'failures_count', 'incorrect', 'incorrect_count', 'cold_count') {
                $j.statistics.Keys | Should -Contain $k
            }
            $j.statistics.samples_generated | Should -BeGreaterOrEqual 2
            $invocations = @($j._invocations.Values | ForEach-Object { $_.Values })
            $invocations.Count | Should -Be $j.statistics.samples_generated
            $invocations | ForEach-Object { $_.sebs_context.function_memory | Should -Be $m }
        }
    }

    It 'keeps only cold results in cold files and only warm results in warm files' {
        foreach ($m in 128, 256) {
            $cold = Read-Json (Join-Path $out "perf-cost/cold_results_$m.json")
            @($cold._invocations.Values | ForEach-Object { $_.Values }) | ForEach-Object { $_.stats.cold_start | Should -BeTrue }
            $cold.statistics.cold_count | Should -Be $cold.statistics.samples_generated
            # Two concurrent requests share one fresh sandbox: the second of each batch is warm and counted as incorrect.
            $cold.statistics.incorrect_count | Should -BeGreaterThan 0
            $cold.statistics.incorrect | ForEach-Object { $_.stats.cold_start | Should -BeFalse }
            $warm = Read-Json (Join-Path $out "perf-cost/warm_results_$m.json")
            @($warm._invocations.Values | ForEach-Object { $_.Values }) | ForEach-Object { $_.stats.cold_start | Should -BeFalse }
            $warm.statistics.cold_count | Should -Be 0
        }
    }

    It 'journals every result, warm-up batches included' {
        $journal = Import-SebsResult (Join-Path $out 'perf-cost/journal.jsonl')
        @($journal | Where-Object ExperimentType -like '*.warm-up').Count | Should -BeGreaterThan 0
        @($journal | Where-Object ExperimentType -eq 'cold.rejected').Count | Should -BeGreaterThan 0
        @($journal | Where-Object ExperimentType -in 'cold', 'warm', 'burst', 'sequential').Count | Should -Be @($results).Count
    }

    It 'Get-SebsExperimentResult returns SeBS''s result.csv rows and writes the file' {
        $rows = Get-SebsExperimentResult $out
        $rows | ForEach-Object { $_ | Should -BeOfType ([Sebs.Core.Experiments.PerfCostRow]) }
        @($rows).Count | Should -Be @($results).Count
        ($rows.MemoryMB | Sort-Object -Unique) | Should -Be @(128, 256)
        ($rows | Where-Object Type -eq 'cold').IsCold | Should -Not -Contain $false
        $csv = Join-Path $out 'perf-cost/result.csv'
        (Get-Content $csv -First 1) | Should -Be 'memory,type,is_cold,exec_time,connection_time,client_time,provider_time,mem_used'
        @(Import-Csv $csv).Count | Should -Be @($rows).Count
    }

    It 'uses the config file''s settings when parameters are not given (SeBS keys, no memory sizes)' {
        $config = Join-Path $root 'perf-config.json'
        @{ experiments = @{ 'perf-cost' = @{ benchmark = '110.dynamic-html'; experiments = @('warm'); 'input-size' = 'test';
                    repetitions = 1; 'concurrent-invocations' = 1; 'memory-sizes' = @() } } } | ConvertTo-Json -Depth 5 | Set-Content $config
        $o = Join-Path $root 'perf-config'
        $r = Start-SebsExperiment perf-cost -ConfigPath $config -Sandbox Process -CachePath $cache -OutputPath $o
        @($r).Count | Should -Be 1
        $r.ExperimentType | Should -Be 'warm'
        Join-Path $o 'perf-cost/warm_results.json' | Should -Exist
        Join-Path $o 'perf-cost/cold_results.json' | Should -Not -Exist
    }

    It '-WhatIf runs nothing' {
        $o = Join-Path $root 'whatif'
        Start-SebsExperiment perf-cost -Repetitions 1 -Sandbox Process -CachePath $cache -OutputPath $o -WhatIf | Should -BeNullOrEmpty
        $o | Should -Not -Exist
    }
}

Describe 'Start-SebsExperiment -AsJob' {
    It 'returns a job that Wait-Job and Receive-Job handle' {
        $o = Join-Path $root 'job-done'
        $job = Start-SebsExperiment perf-cost -Benchmark 110.dynamic-html -Experiments warm -Repetitions 2 -Concurrency 1 -Memory 128 `
            -Sandbox Process -CachePath $cache -OutputPath $o -AsJob
        $job | Should -BeOfType ([System.Management.Automation.Job])
        $job.PSJobTypeName | Should -Be 'SebsExperimentJob'
        $job.OutputPath | Should -Be $o
        (Get-Job -Id $job.Id).Id | Should -Be $job.Id
        $job | Wait-Job -Timeout 120 | Out-Null
        $job.State | Should -Be 'Completed'
        $job.Progress.Count | Should -BeGreaterThan 0
        $job.Progress[-1].Activity | Should -Be 'Start-SebsExperiment perf-cost'
        $r = Receive-Job $job
        @($r).Count | Should -Be 2
        $r | ForEach-Object { $_.ExperimentType | Should -Be 'warm' }
        Join-Path $o 'perf-cost/warm_results_128.json' | Should -Exist
        Remove-Job $job
    }

    It 'sends the platform''s messages to the job that caused them, and cmdlets after the job still work' {
        $o = Join-Path $root 'job-logs'
        $job = Start-SebsExperiment perf-cost -Benchmark 110.dynamic-html -Experiments cold -Repetitions 3 -Concurrency 1 -Memory 128 `
            -Sandbox Process -CachePath $cache -OutputPath $o -AsJob
        # A foreground run while the job runs: its platform messages must stay its own.
        $fg = @(Invoke-SebsBenchmark 010.sleep -Payload @{ sleep = 0 } -Repetitions 1 -Sandbox Process -CachePath $cache -ColdStart -Verbose 4>&1)
        $job | Wait-Job -Timeout 120 | Out-Null
        $job.State | Should -Be 'Completed'
        $jobLines = @($job.Verbose | ForEach-Object Message)
        $fgLines = @($fg | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        ($jobLines -match 'Started Process sandbox .* for sebs-local-110\.dynamic-html').Count | Should -BeGreaterThan 0
        $jobLines -match 'sebs-local-010\.sleep' | Should -BeNullOrEmpty
        ($fgLines -match 'Started Process sandbox .* for sebs-local-010\.sleep').Count | Should -BeGreaterThan 0
        $fgLines -match 'sebs-local-110\.dynamic-html' | Should -BeNullOrEmpty
        Remove-Job $job
        # The finished job's output buffers are closed; later cmdlets must not write to them.
        { Get-SebsFunction -CachePath $cache | Remove-SebsFunction -CachePath $cache -Force -ErrorAction Stop } | Should -Not -Throw
        Get-SebsFunction -CachePath $cache | Should -BeNullOrEmpty
    }

    It 'Stop-Job cancels the run, ends Stopped and keeps the journaled results' {
        $o = Join-Path $root 'job-stopped'
        $job = Start-SebsExperiment perf-cost -Benchmark 110.dynamic-html -Experiments warm -Repetitions 100000 -Concurrency 1 -Memory 128 `
            -Sandbox Process -CachePath $cache -OutputPath $o -AsJob
        $journal = Join-Path $o 'perf-cost/journal.jsonl'
        Wait-SebsJournalLines -Path $journal -Count 5
        $job.State | Should -Be 'Running'
        Stop-Job $job
        $job.State | Should -Be 'Stopped'
        $kept = @(Import-SebsResult $journal)
        $kept.Count | Should -BeGreaterOrEqual 5
        $received = @(Receive-Job $job)
        $received.Count | Should -BeGreaterThan 0
        $received | ForEach-Object { $_ | Should -BeOfType ([Sebs.Core.Results.ExecutionResult]) }
        # The accepted part is also written as SeBS's file, marked as stopped.
        $partial = Read-Json (Join-Path $o 'perf-cost/warm_results_128.json')
        $partial.statistics.stopped | Should -BeTrue
        $partial.statistics.samples_generated | Should -BeGreaterThan 0
        Remove-Job $job
    }
}

Describe 'Ctrl+C in a terminal' {
    It 'stops the experiment at once and keeps the journal and the partial result file' -Skip:(-not (Get-Command python3 -ErrorAction SilentlyContinue)) {
        $o = Join-Path $root 'ctrl-c'
        $journal = Join-Path $o 'perf-cost/journal.jsonl'
        $pwsh = (Get-Command pwsh -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1).Source
        if (-not $pwsh) { $pwsh = Join-Path $PSHOME 'pwsh' }
        # Progress off: on a terminal nobody answers, the progress bar's cursor queries would each wait for a reply.
        $command = "`$ProgressPreference = 'SilentlyContinue'; Import-Module '$env:SEBS_TEST_MODULE'; " +
            "Start-SebsExperiment perf-cost -Benchmark 110.dynamic-html -Experiments warm -Repetitions 100000 -Concurrency 1 " +
            "-Memory 128 -Sandbox Process -CachePath '$cache' -OutputPath '$o' | Out-Null; 'finished'"
        $ended = python3 (Join-Path $PSScriptRoot 'tools/press-ctrl-c.py') $journal 5 90 $pwsh -NoProfile -Command $command | ConvertFrom-Json
        $ended.pressed | Should -BeTrue -Because "the run journals results ($($ended.output))"
        $ended.exited | Should -BeTrue
        $ended.seconds_to_exit | Should -BeLessThan 15
        $ended.output | Should -Not -Match 'finished' -Because 'Ctrl+C stops the pipeline'
        $kept = @(Import-SebsResult $journal)
        $kept.Count | Should -BeGreaterOrEqual 5
        $kept | ForEach-Object { $_.Failed | Should -BeFalse }
        $file = Join-Path $o 'perf-cost/warm_results_128.json'
        $file | Should -Exist -Because ("the accepted part is written when stopped; journal: " +
            (($kept | Group-Object ExperimentType, IsCold | ForEach-Object { "$($_.Count) $($_.Name)" }) -join '; ') + "; output: $($ended.output)")
        $partial = Read-Json $file
        $partial.statistics.stopped | Should -BeTrue
        $partial.statistics.samples_generated | Should -BeGreaterThan 0
    }
}

Describe 'A stopped pipeline' {
    It 'returns only after the experiment has written its partial result file' {
        $o = Join-Path $root 'stopped-pipeline'
        $journal = Join-Path $o 'perf-cost/journal.jsonl'
        $file = Join-Path $o 'perf-cost/warm_results_128.json'
        # A slow consumer: the stop then comes while the cmdlet is emitting, and its emit throws. Before the fix the
        # cmdlet left at once, and the file came after Stop() had returned, or never if pwsh exited meanwhile.
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$env:SEBS_TEST_MODULE'; Start-SebsExperiment perf-cost -Benchmark 110.dynamic-html " +
                "-Experiments warm -Repetitions 100000 -Concurrency 1 -Memory 128 -Sandbox Process -CachePath '$cache' -OutputPath '$o' " +
                "-ProgressAction SilentlyContinue | ForEach-Object { Start-Sleep -Milliseconds 50 }")
            $run = $ps.BeginInvoke()
            # Enough accepted results that writing them takes longer than the engine takes to end a stopped pipeline.
            Wait-SebsJournalLines -Path $journal -Count 2000 -PollMilliseconds 100
            $ps.Stop()
            Test-Path $file | Should -BeTrue -Because 'Stop() returns after the stopped run has written what it accepted'
            $run.IsCompleted | Should -BeTrue
            (Read-Json $file).statistics.stopped | Should -BeTrue
        }
        finally { $ps.Dispose() }
    }
}

Describe 'network-ping-pong (020.network-benchmark)' {
    It 'echoes the datagrams, downloads the function''s CSV and gives round trips' {
        $o = Join-Path $root 'ping'
        $r = Start-SebsExperiment network-ping-pong -Invocations 2 -Repetitions 5 -Threads 2 -ServerPort 0 -Sandbox Process -CachePath $cache -OutputPath $o
        @($r).Count | Should -Be 2
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        $r.Experiment | Select-Object -Unique | Should -Be 'network-ping-pong'
        @(Get-ChildItem (Join-Path $o 'network-ping-pong') -Filter 'server-*.csv').Count | Should -Be 2
        @(Get-ChildItem (Join-Path $o 'network-ping-pong') -Filter 'results-*.csv').Count | Should -Be 2
        $rows = Get-SebsExperimentResult $o network-ping-pong
        @($rows).Count | Should -Be 10
        $rows | ForEach-Object {
            $_ | Should -BeOfType ([Sebs.Core.Experiments.PingPongRow])
            $_.RttSeconds | Should -BeGreaterOrEqual 0
            $_.RttSeconds | Should -BeLessThan 1
            [math]::Abs($_.ClockDriftSeconds) | Should -BeLessThan 0.5 -Because 'both ends share one clock locally'
        }
        (Get-Content (Join-Path $o 'network-ping-pong/result.csv') -First 1) | Should -Be 'request_id,id,client_send,client_rcv,server_rcv,server_send,rtt,clock_drift'
    }
}

Describe 'invocation-overhead (030.clock-synchronization)' {
    It 'sweeps payload sizes warm and cold and computes drift and invocation time' {
        $o = Join-Path $root 'overhead'
        $r = Start-SebsExperiment invocation-overhead -Repetitions 1 -N 3 -PayloadBegin 1024 -PayloadEnd 8192 -PayloadPoints 2 -ServerPort 0 `
            -Sandbox Process -CachePath $cache -OutputPath $o
        ($r | Where-Object Failed) | Should -BeNullOrEmpty
        @($r | Where-Object ExperimentType -eq 'warm').Count | Should -Be 2
        @($r | Where-Object ExperimentType -eq 'cold').Count | Should -Be 2
        ($r | Where-Object ExperimentType -eq 'cold').IsCold | Should -Not -Contain $false
        (Get-Content (Join-Path $o 'invocation-overhead/payload/result.csv') -First 1) |
            Should -Be 'size,repetition,is_cold,connection_time,start_timestamp,finish_timestamp,request_id'
        $rows = Get-SebsExperimentResult (Join-Path $o 'invocation-overhead')
        @($rows).Count | Should -Be 4
        ($rows.PayloadSize | Sort-Object -Unique) | Should -Be @(1024, 8192)
        $rows | ForEach-Object {
            $_ | Should -BeOfType ([Sebs.Core.Experiments.InvocationOverheadRow])
            $_.ClockDriftMeanSeconds | Should -Not -BeNullOrEmpty
            [math]::Abs($_.ClockDriftMeanSeconds) | Should -BeLessThan 0.5
            $_.InvocationSeconds | Should -BeGreaterThan -0.5
            $_.InvocationSeconds | Should -BeLessThan 30
        }
        Join-Path $o 'invocation-overhead/payload/result-processed.csv' | Should -Exist
    }

    It 'sweeps code package sizes: pads a copy, updates the function, then puts its own package back' {
        $o = Join-Path $root 'code'
        $before = Get-SebsFunction -Benchmark 030.clock-synchronization -CachePath $cache
        $r = Start-SebsExperiment invocation-overhead -Type code -Repetitions 1 -N 3 -CodeBegin 65536 -CodeEnd 1048576 -CodePoints 2 `
            -ServerPort 0 -Sandbox Process -CachePath $cache -OutputPath $o
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        @($r | Where-Object ExperimentType -eq 'warm').Count | Should -Be 2
        @($r | Where-Object ExperimentType -eq 'cold').Count | Should -Be 2
        ($r.Size | Sort-Object -Unique) | Should -Be @('1048576', '65536')
        $r | ForEach-Object { $_.Result['result'].ContainsKey('timestamp') | Should -BeTrue }
        $rows = Get-SebsExperimentResult (Join-Path $o 'invocation-overhead/code')
        @($rows).Count | Should -Be 4
        $rows.Type | Select-Object -Unique | Should -Be 'code'
        ($rows.PayloadSize | Sort-Object -Unique) | Should -Be @(65536, 1048576)
        ($rows | Where-Object IsCold).Count | Should -Be 2
        $rows | ForEach-Object { $_.InvocationSeconds | Should -BeGreaterThan -0.5 }
        Join-Path $o 'invocation-overhead/code/packages' | Should -Not -Exist -Because 'the padded copies are deleted'
        $after = Get-SebsFunction -Benchmark 030.clock-synchronization -CachePath $cache
        $after.CodeHash | Should -Be $before.CodeHash -Because 'the function runs its own package again'
        $path = $after.CodePath
        Join-Path $path 'randomdata.bin' | Should -Not -Exist
    }
}

Describe 'eviction-model (040.server-reply)' {
    It 'creates the copies with triggers, invokes twice per copy and records the second start' {
        $o = Join-Path $root 'eviction'
        $r = Start-SebsExperiment eviction-model -Repetitions 1 -Invocations 1 -Times 0, 1 -Sleep 1 -ServerPort 0 -Sandbox Process -CachePath $cache -OutputPath $o
        ($r | Where-Object Failed) | Should -BeNullOrEmpty -Because (($r | Where-Object Failed).ErrorMessage -join '; ')
        @($r).Count | Should -Be 4
        ($r.FunctionName | Sort-Object -Unique) | ForEach-Object { $_ | Should -Match '-(0|1)-0$' }
        $r | ForEach-Object { $_.Result['result'] | Should -Be 'accepted' }
        $file = Join-Path $o 'eviction-model/results_1_1_1.json'
        $file | Should -Exist
        $j = Read-Json $file
        ($j.Keys | Sort-Object) | Should -Be @('0', '1')
        $j['1'][0][0].Keys | Should -Contain 'first_times'
        $rows = Get-SebsExperimentResult $o eviction-model
        @($rows).Count | Should -Be 2
        $rows | ForEach-Object {
            $_.FirstCold | Should -BeTrue
            $_.SecondCold | Should -BeFalse -Because 'a local sandbox is never evicted'
            $_.Evicted | Should -BeFalse
        }
    }
}
