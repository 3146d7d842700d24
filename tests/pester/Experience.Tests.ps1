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
