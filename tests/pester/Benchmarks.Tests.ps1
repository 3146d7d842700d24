BeforeAll {
    Import-Module $env:SEBS_TEST_MODULE -Force
}

Describe 'Get-SebsBenchmark' {
    It 'lists the suite as Benchmark objects' {
        $all = Get-SebsBenchmark
        $all.Name | Should -Contain '010.sleep'
        $all.Name | Should -Contain '110.dynamic-html'
        $all | ForEach-Object { $_ | Should -BeOfType ([Sebs.Core.Benchmarks.Benchmark]) }
    }

    It 'filters by wildcard and language, and pipes into standard verbs' {
        $csv = Join-Path $TestDrive 'b.csv'
        Get-SebsBenchmark '11*' -Language nodejs | Where-Object MemoryMB -ge 128 | Export-Csv $csv
        $rows = Import-Csv $csv
        $rows.Name | Should -Be '110.dynamic-html'
        $rows.TimeoutSeconds | Should -Be '10'
    }

    It 'reports an unknown name with a stable error id' {
        $err = $null
        Get-SebsBenchmark 999.nope -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'Sebs.UnknownBenchmark*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -Match '010\.sleep'
    }

    It 'lists a user folder and reports a broken config without losing the rest' {
        $root = Join-Path $TestDrive 'user'
        New-Item -ItemType Directory "$root/900.x/901.ok", "$root/900.x/902.broken" | Out-Null
        '{"timeout": 3, "memory": 128, "languages": ["python"]}' | Set-Content "$root/900.x/901.ok/config.json"
        '{"timeout": 3, "memory": ' | Set-Content "$root/900.x/902.broken/config.json"
        $err = $null
        $list = Get-SebsBenchmark -Path $root -ErrorVariable err -ErrorAction SilentlyContinue
        $list.Name | Should -Contain '901.ok'
        $list.Name | Should -Contain '010.sleep'
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'Sebs.InvalidBenchmarkConfig*'
        $err[0].Exception.Message | Should -Match '902\.broken'
    }
}
