BeforeAll {
    Import-Module $env:SEBS_TEST_MODULE -Force
    $script:results = [Sebs.Core.Results.SyntheticResults]::Create(20, 2)
}

Describe 'Export-SebsResult and Import-SebsResult' {
    It 'round-trips results through a <_> file' -ForEach 'Json', 'JsonLines', 'Csv' {
        $path = Join-Path $TestDrive "results.$_"
        $passed = $results | Export-SebsResult -Path $path -Format $_ -PassThru
        $passed.Count | Should -Be 20
        $back = @(Import-SebsResult -Path $path)
        $back.Count | Should -Be 20
        $back[0] | Should -BeOfType ([Sebs.Core.Results.ExecutionResult])
        ($back | Sort-Object Invocation).ClientMs | Should -Be ($results.ClientMs)
        ($back | Sort-Object Invocation).FunctionName | Should -Be ($results.FunctionName)
        $back[0].Benchmark | Should -Be '110.dynamic-html'
    }

    It 'writes the SeBS shape for Json, owner-only on Unix' {
        $path = Join-Path $TestDrive 'experiments.json'
        $results | Export-SebsResult $path
        $json = Get-Content -Raw $path | ConvertFrom-Json -AsHashtable
        $json.Keys | Should -Contain '_invocations'
        $json.Keys | Should -Contain '_metrics'
        $json['_invocations']['sebs-synthetic-110.dynamic-html-python-3.11'].Count | Should -Be 10
        $json['begin_time'] | Should -BeGreaterThan 0
        if (-not $IsWindows) { (Get-Item $path).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite') }
    }

    It 'adds to an existing file with -Append (<_>)' -ForEach 'Json', 'JsonLines', 'Csv' {
        $path = Join-Path $TestDrive "append.$_"
        $results | Select-Object -First 5 | Export-SebsResult $path -Format $_
        $results | Select-Object -Skip 5 | Export-SebsResult $path -Format $_ -Append
        $back = @(Import-SebsResult $path)
        $back.Count | Should -Be 20
        ($back | Sort-Object Invocation).RequestId | Should -Be $results.RequestId
    }

    It 'honours -WhatIf' {
        $path = Join-Path $TestDrive 'whatif.json'
        $results | Export-SebsResult $path -WhatIf
        Test-Path $path | Should -BeFalse
    }

    It 'reads what Export-Csv writes' {
        $path = Join-Path $TestDrive 'export-csv.csv'
        $results | Export-Csv -Path $path
        $back = @(Import-SebsResult $path)
        $back.Count | Should -Be 20
        $back.ClientMs | Should -Be $results.ClientMs
        $back.IsCold | Should -Be $results.IsCold
        $back[3].RequestId | Should -Be $results[3].RequestId
    }

    It 'converts a journal to experiments.json through the pipeline' {
        $jsonl = Join-Path $TestDrive 'run.jsonl'
        $json = Join-Path $TestDrive 'run.json'
        $results | Export-SebsResult $jsonl
        Import-SebsResult $jsonl | Export-SebsResult $json
        (Get-Content -Raw $json | ConvertFrom-Json).result_bucket | Should -BeNullOrEmpty
        @(Import-SebsResult $json).Count | Should -Be 20
    }

    It 'warns about a truncated last journal line and returns the rest' {
        $path = Join-Path $TestDrive 'torn.jsonl'
        $results | Select-Object -First 3 | Export-SebsResult $path
        $text = [IO.File]::ReadAllText($path)
        [IO.File]::WriteAllText($path, $text.Substring(0, $text.Length - 25))
        $warnings = $null
        $back = @(Import-SebsResult $path -WarningVariable warnings -WarningAction SilentlyContinue)
        $back.Count | Should -Be 2
        $warnings.Count | Should -Be 1
        "$($warnings[0])" | Should -Match 'line 3'
    }

    It 'stops on a corrupt file with Sebs.ResultFileInvalid, the file and the position' {
        $path = Join-Path $TestDrive 'corrupt.json'
        "{`n  `"_invocations`": {`n    `"f`": [1, }`n" | Set-Content $path
        $err = { Import-SebsResult $path } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'Sebs.ResultFileInvalid*'
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
        $err.Exception.Message | Should -Match 'corrupt\.json'
        $err.Exception.Message | Should -Match 'line 3'
    }

    It 'reports a missing file without stopping' {
        $err = $null
        Import-SebsResult (Join-Path $TestDrive 'nope.json') -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'Sebs.ResultFileNotFound*'
    }
}

Describe 'Measure-SebsResult' {
    It 'groups results by FunctionName and IsCold by default' {
        $summaries = @($results | Measure-SebsResult)
        $summaries[0] | Should -BeOfType ([Sebs.Core.Results.ResultSummary])
        ($summaries | Measure-Object Count -Sum).Sum | Should -Be 20
        $summaries[0].GroupBy | Should -Be @('FunctionName', 'IsCold')
        $summaries[0].FunctionName | Should -Be $summaries[0].Group[0]
        $summaries | ForEach-Object { $_.Property | Should -Be 'ClientMs' }
    }

    It 'summarises any numeric property of PSCustomObjects, grouped by any property' {
        $rows = 1..10 | ForEach-Object { [pscustomobject]@{ Kind = if ($_ % 2) { 'odd' } else { 'even' }; Latency = $_ } }
        $all = $rows | Measure-SebsResult -Property Latency -GroupBy @()
        $all.Count | Should -Be 10
        $all.Mean | Should -Be 5.5
        $all.Median | Should -Be 5.5
        [math]::Round($all.StdDev, 6) | Should -Be 3.02765
        [math]::Round($all.CI95Low, 5) | Should -Be 3.33415
        $all.NonParametricCI95Low | Should -Be 1
        $all.NonParametricCI99Low | Should -BeNullOrEmpty

        $byKind = $rows | Measure-SebsResult -Property Latency -GroupBy Kind
        ($byKind | Where-Object Kind -eq 'odd').Mean | Should -Be 5
        ($byKind | Where-Object Kind -eq 'even').Mean | Should -Be 6
    }

    It 'reads hashtables and Import-Csv strings, and warns about values it cannot use' {
        $rows = @(@{ ms = 1 }, @{ ms = '3' }, @{ ms = 'n/a' }, @{ other = 1 })
        $warnings = $null
        $s = $rows | Measure-SebsResult -Property ms -GroupBy @() -WarningVariable warnings -WarningAction SilentlyContinue
        $s.Count | Should -Be 2
        $s.Mean | Should -Be 2
        "$warnings" | Should -Match '2 of 4'
    }

    It 'takes a collection through -InputObject and several properties at once' {
        $s = Measure-SebsResult -InputObject $results -Property ClientMs, BenchmarkMs -GroupBy @()
        $s.Property | Should -Be @('ClientMs', 'BenchmarkMs')
        $s[0].Count | Should -Be 20
    }
}
