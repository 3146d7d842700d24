# What a person at the prompt sees: completion, tables, WhatIf.
BeforeAll {
    Import-Module $env:SEBS_TEST_MODULE -Force
}

Describe 'Tab completion' {
    It 'completes benchmark names from a number prefix: Invoke-SebsBenchmark 11<Tab>' {
        $line = 'Invoke-SebsBenchmark 11'
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $completions | Should -Contain '110.dynamic-html'
        $completions | Should -Not -Contain '010.sleep'
    }

    It 'completes benchmark names from a word: Get-SebsBenchmark dyn<Tab>' {
        $line = 'Get-SebsBenchmark dyn'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain '110.dynamic-html'
    }

    It 'completes -Platform' {
        $line = 'Invoke-SebsBenchmark 010.sleep -Platform A'
        $c = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $c | Should -Contain 'Aws'
        $c | Should -Be @((Get-SebsPlatform).Name.Value | Where-Object { $_ -like 'A*' } | Sort-Object)
    }
}

Describe 'Views' {
    It 'shows results as a table with benchmark, platform, language, cold, client and benchmark ms and memory' {
        $r = [Sebs.Core.Results.ExecutionResult]::new()
        $r.Benchmark = '010.sleep'; $r.Platform = 'Local'; $r.Language = 'python'; $r.LanguageVersion = '3.11'
        $r.Times.ClientMicroseconds = 1500; $r.Times.BenchmarkMicroseconds = 250; $r.Stats.ColdStart = $true; $r.Stats.MemoryUsedMB = 12.5
        $text = $r | Format-Table | Out-String -Width 200
        foreach ($header in 'Benchmark', 'Platform', 'Language', 'Cold', 'ClientMs', 'BenchmarkMs', 'MemoryMB') { $text | Should -Match $header }
        $text | Should -Match '010\.sleep\s+Local\s+python 3\.11'
        $text | Should -Match '1\.50'
        $text | Should -Match '12\.5'
    }
}

Describe 'WhatIf' {
    It 'Invoke-SebsBenchmark -WhatIf deploys and invokes nothing' {
        $cache = Join-Path $TestDrive 'whatif'
        Invoke-SebsBenchmark 010.sleep -CachePath $cache -WhatIf | Should -BeNullOrEmpty
        Get-SebsCache -CachePath $cache | Should -BeNullOrEmpty
    }
}

Describe 'Session defaults and pipelines that repeat nothing' {
    BeforeAll {
        $script:cache = Join-Path $TestDrive 'session-cache'
        # A user checkout with its own 010.sleep (a marker in the result) and a benchmark of its own.
        $script:userRoot = Join-Path $TestDrive 'my-sebs'
        foreach ($name in '000.microbenchmarks/010.sleep', '900.mine/901.echo') {
            $dir = Join-Path $userRoot $name
            New-Item -ItemType Directory (Join-Path $dir 'python') -Force | Out-Null
            '{ "timeout": 10, "memory": 256, "languages": ["python"], "modules": [] }' | Set-Content (Join-Path $dir 'config.json')
            '{ "sizes": { "test": { "n": 1 }, "small": { "n": 1 }, "large": { "n": 1 } } }' | Set-Content (Join-Path $dir 'input.json')
            "def handler(event):`n    return {'result': 'from the user checkout: $(Split-Path $name -Leaf)'}`n" | Set-Content (Join-Path $dir 'python/function.py')
        }
    }
    AfterAll { Disconnect-SebsPlatform }

    It 'Connect-SebsPlatform sets what later cmdlets use and Get-SebsContext shows it' {
        $context = Connect-SebsPlatform -Platform Local -CachePath $cache -PlatformOption @{ Sandbox = 'Process' }
        $context.Platform | Should -Be 'Local'
        $context.CachePath | Should -Be ([IO.Path]::GetFullPath($cache))
        $context.PlatformOption['Sandbox'] | Should -Be 'Process'
        (Get-SebsContext).CachePath | Should -Be $context.CachePath
        (Get-SebsContext | Format-List | Out-String) | Should -Match 'Sandbox=Process'
    }

    It 'runs Invoke | Get-SebsMetrics | Measure-SebsResult without repeating the platform, cache or options' {
        $results = @(Invoke-SebsBenchmark 010.sleep -Repetitions 2)
        $results.Count | Should -Be 2
        $results[0].Platform | Should -Be 'Local'
        $results[0].FunctionName | Should -Not -BeNullOrEmpty
        Get-SebsCache -Kind Function | Where-Object Name -eq $results[0].FunctionName | Should -Not -BeNullOrEmpty -Because 'the session cache was used'
        $summary = @($results | Get-SebsMetrics | Measure-SebsResult -Property ClientMs -GroupBy FunctionName)
        $summary.Count | Should -Be 1
        $summary[0].Count | Should -Be 2
    }

    It 'lets a parameter win over the session default' {
        $other = Join-Path $TestDrive 'other-cache'
        Invoke-SebsBenchmark 010.sleep -Repetitions 1 -CachePath $other | Out-Null
        Get-SebsCache -CachePath $other -Kind Function | Should -Not -BeNullOrEmpty
    }

    It 'gives results whose Result and Output are plain values and whose JSON is clean' {
        $r = Invoke-SebsBenchmark 010.sleep -Payload @{ sleep = 0 } -Repetitions 1
        $r.Result.result | Should -Be 0
        $r.Output.is_cold | Should -BeOfType [bool]
        $json = $r | ConvertTo-Json -Depth 5
        $json | Should -Not -Match '"(Options|Parent|Root)"'
        $back = $json | ConvertFrom-Json
        $back.Result.result | Should -Be 0
        $back.Output.request_id | Should -Be $r.RequestId
        ($r.Result | Out-String) | Should -Not -Match 'Options\s+Parent\s+Root'
        (Get-SebsContext | ConvertTo-Json -Depth 5 | ConvertFrom-Json).Platform | Should -Be 'Local'
    }

    It 'uses a benchmark found with -Path when piped, and the user copy shadows the built-in one with a warning' {
        $mine = Get-SebsBenchmark 901.echo -Path $userRoot
        (Invoke-SebsBenchmark -BenchmarkObject $mine -Repetitions 1).Result.result | Should -Be 'from the user checkout: 901.echo'
        ($mine | Invoke-SebsBenchmark -Repetitions 1).Result.result | Should -Be 'from the user checkout: 901.echo'
        $warnings = $null
        $r = Invoke-SebsBenchmark 010.sleep -BenchmarkPath $userRoot -Repetitions 1 -UpdateCode -WarningVariable warnings
        $r.Result.result | Should -Be 'from the user checkout: 010.sleep'
        ($warnings -join "`n") | Should -Match "010\.sleep.*shadows the built-in one"
        $function = $mine | New-SebsFunction
        $function.Benchmark | Should -Be '901.echo'
        $function.MemoryMB | Should -Be 256
    }

    It 'pipes a benchmark found with -Path into Start-SebsExperiment' {
        $out = Join-Path $TestDrive 'piped-perf'
        $r = @(Get-SebsBenchmark 901.echo -Path $userRoot | Start-SebsExperiment perf-cost -Experiments warm -Memory 256 -Repetitions 1 -Concurrency 1 -BatchPause 0 -OutputPath $out)
        $r.Count | Should -Be 1
        $r[0].Benchmark | Should -Be '901.echo'
        $r[0].Result.result | Should -Be 'from the user checkout: 901.echo'
    }

    It 'shows function memory and the experiment type in the default table' {
        $row = [Sebs.Core.Results.ExecutionResult]::new()
        $row.Benchmark = '504.dna-visualisation'; $row.Platform = 'Local'; $row.Language = 'python'; $row.FunctionMemoryMB = 512
        $row.Experiment = 'perf-cost'; $row.ExperimentType = 'burst'
        $text = $row | Format-Table | Out-String -Width 200
        $text | Should -Match 'FunctionMemoryMB'
        $text | Should -Match '504\.dna-visualisation\s+Local\s+python\s+512\s+burst'
    }

    It 'Disconnect-SebsPlatform clears the defaults' {
        (Disconnect-SebsPlatform -PassThru).Platform | Should -Be 'Local'
        Get-SebsContext | Should -BeNullOrEmpty
        Connect-SebsPlatform -Platform Local -CachePath $cache -PlatformOption @{ Sandbox = 'Process' } | Out-Null
    }
}

Describe 'Completion from the cache, the platform and the benchmark' {
    BeforeAll {
        $script:cache = Join-Path $TestDrive 'completion-cache'
        $script:userRoot = Join-Path $TestDrive 'completion-benchmarks'
        $dir = Join-Path $userRoot '902.node-only'
        New-Item -ItemType Directory (Join-Path $dir 'nodejs') -Force | Out-Null
        '{ "timeout": 10, "memory": 128, "languages": ["nodejs"], "modules": [] }' | Set-Content (Join-Path $dir 'config.json')
        $c = [Sebs.Core.Caching.SebsCache]::new($cache)
        $o = [System.Text.Json.Nodes.JsonObject]::new()
        $o['name'] = 'sebs-local-110.dynamic-html-python-3.11'
        $c.SetFunction('110.dynamic-html', 'Local', 'python', 'sebs-local-110.dynamic-html-python-3.11', $o)
        function Complete([string]$Line) { (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText }
    }

    It 'completes function names from the cache given with -CachePath' {
        Complete "Get-SebsFunction -CachePath $cache -Name sebs-local-1" | Should -Contain 'sebs-local-110.dynamic-html-python-3.11'
        Complete "Invoke-SebsBenchmark 110.dynamic-html -CachePath $cache -FunctionName sebs" | Should -Contain 'sebs-local-110.dynamic-html-python-3.11'
    }

    It 'completes -LanguageVersion with the versions the platform runs for the language' {
        $expected = (Get-SebsPlatform Aws).Runtimes.SupportedVersions('nodejs')
        $got = Complete 'Invoke-SebsBenchmark 110.dynamic-html -Platform Aws -Language nodejs -LanguageVersion '
        $got | Should -Be @($expected)
        Complete 'Invoke-SebsBenchmark 110.dynamic-html -Platform Local -Language python -LanguageVersion 3' |
            Should -Be @((Get-SebsPlatform Local).Runtimes.SupportedVersions('python') | Where-Object { $_ -like '3*' })
    }

    It 'completes -Language with the languages of the chosen benchmark, honouring -BenchmarkPath' {
        Complete "Invoke-SebsBenchmark 902.node-only -BenchmarkPath $userRoot -Language " | Should -Be @('nodejs')
        Complete "New-SebsFunction 010.sleep -Language " | Should -Be @('nodejs', 'python')
        Complete "Invoke-SebsBenchmark -BenchmarkPath $userRoot 90" | Should -Contain '902.node-only'
    }
}
