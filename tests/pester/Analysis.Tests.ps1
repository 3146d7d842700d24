# Invoke-SebsRegression on the local platform (process sandboxes) and Export-SebsChart on real results.
BeforeAll {
    Import-Module $env:SEBS_TEST_MODULE -Force
    $script:cache = Join-Path ([IO.Path]::GetTempPath()) ("sebs-analysis-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $script:common = @{ Platform = 'Local'; Sandbox = 'Process'; CachePath = $cache }

    # A user benchmark whose function always raises.
    $script:brokenRoot = Join-Path $TestDrive 'user-benchmarks'
    $dir = Join-Path $brokenRoot '900.broken/903.raises'
    New-Item -ItemType Directory (Join-Path $dir 'python') -Force | Out-Null
    '{ "timeout": 5, "memory": 128, "languages": ["python"], "modules": [] }' | Set-Content (Join-Path $dir 'config.json')
    '{ "sizes": { "test": { "n": 1 }, "small": { "n": 1 }, "large": { "n": 1 } } }' | Set-Content (Join-Path $dir 'input.json')
    "def handler(event):`n    raise RuntimeError('regression test: deliberately broken')`n" | Set-Content (Join-Path $dir 'python/function.py')

    # A 4-byte big-endian integer (PNG's IHDR width and height).
    function Get-BigEndian([byte[]]$Bytes, [int]$Offset) {
        ([int]$Bytes[$Offset] -shl 24) -bor ([int]$Bytes[$Offset + 1] -shl 16) -bor ([int]$Bytes[$Offset + 2] -shl 8) -bor [int]$Bytes[$Offset + 3]
    }

    function Assert-Png([string]$Path) {
        $Path | Should -Exist
        $bytes = [IO.File]::ReadAllBytes($Path)
        $bytes.Length | Should -BeGreaterThan 5KB
        ($bytes[0..7] -join ',') | Should -Be '137,80,78,71,13,10,26,10' -Because 'the PNG signature'
        [Text.Encoding]::ASCII.GetString($bytes, 12, 4) | Should -Be 'IHDR'
        $width = Get-BigEndian $bytes 16
        $height = Get-BigEndian $bytes 20
        $width | Should -BeGreaterThan 100
        $height | Should -BeGreaterThan 100
    }

    # Data marks are the shapes drawn in the cold (#D62728) or warm (#1F77B4) colour.
    function Assert-Svg([string]$Path, [int]$MinMarks) {
        $Path | Should -Exist
        $xml = [xml](Get-Content -Raw $Path)
        $xml.DocumentElement.LocalName | Should -Be 'svg'
        $marks = @($xml.SelectNodes('//*') | Where-Object {
                $_.LocalName -in 'ellipse', 'circle', 'rect', 'path' -and "$($_.fill) $($_.stroke)" -match '#(D62728|1F77B4)' })
        $marks.Count | Should -BeGreaterOrEqual $MinMarks
    }
}

AfterAll {
    Get-SebsFunction -CachePath $script:cache | Remove-SebsFunction -CachePath $script:cache -Force
    Remove-Item -Recurse -Force $script:cache -ErrorAction SilentlyContinue
}

Describe 'Invoke-SebsRegression on the local platform' {
    It 'passes 010.sleep and 110.dynamic-html in python and nodejs and writes one JSON per case' {
        $out = Join-Path $TestDrive 'regression'
        $progress = $null
        $r = Invoke-SebsRegression -Benchmark 010.sleep, '110.*' -Language python, nodejs -OutputPath $out @common
        $ok = $?
        $ok | Should -BeTrue
        $r | Should -HaveCount 4
        $r | ForEach-Object { $_ | Should -BeOfType ([Sebs.Core.Running.RegressionResult]) }
        ($r | Where-Object { -not $_.Passed }) | Should -BeNullOrEmpty -Because (($r | Where-Object { -not $_.Passed }).Error -join '; ')
        ($r | ForEach-Object { "$($_.Benchmark)/$($_.Language)" } | Sort-Object) -join ',' |
            Should -Be '010.sleep/nodejs,010.sleep/python,110.dynamic-html/nodejs,110.dynamic-html/python'
        foreach ($case in $r) {
            $case.Platform | Should -Be 'Local'
            $case.Valid | Should -BeTrue
            $case.Error | Should -BeNullOrEmpty
            $case.LanguageVersion | Should -Not -BeNullOrEmpty
            $case.ClientMs | Should -BeGreaterThan $case.BenchmarkMs
            $case.Duration | Should -BeGreaterThan ([timespan]::Zero)
            $case.ResultPath | Should -Be (Join-Path $out "regression_local_$($case.Benchmark)_$($case.Language).json")
            $json = Get-Content -Raw $case.ResultPath | ConvertFrom-Json -AsHashtable
            $json.Keys | Should -Be 'http'
            $json.http.request_id | Should -Not -BeNullOrEmpty
            $json.http.result | Should -Not -BeNullOrEmpty
        }
        (Get-ChildItem $out -Filter 'regression_local_*.json').Count | Should -Be 4
        # 010.sleep sleeps 1 s with the test input.
        ($r | Where-Object Benchmark -eq '010.sleep').BenchmarkMs | ForEach-Object { $_ | Should -BeGreaterOrEqual 990 }
    }

    It 'reports a broken user benchmark as a failed case and a Sebs.RegressionFailed error while the others pass' {
        $out = Join-Path $TestDrive 'regression-broken'
        $err = $null
        $r = Invoke-SebsRegression -Benchmark 010.sleep, 110.dynamic-html, 903.raises -Language python -BenchmarkPath $brokenRoot `
            -OutputPath $out -ThrottleLimit 3 -ErrorVariable err -ErrorAction SilentlyContinue @common
        $ok = $?
        $ok | Should -BeFalse -Because 'a failed case is a non-terminating error'
        $r | Should -HaveCount 3
        $broken = $r | Where-Object Benchmark -eq '903.raises'
        $broken.Passed | Should -BeFalse
        $broken.Valid | Should -BeFalse
        $broken.Error | Should -Match 'deliberately broken'
        $broken.ColdStart | Should -Not -BeNullOrEmpty
        ($r | Where-Object Benchmark -ne '903.raises').Passed | Should -Be @($true, $true)
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'Sebs.RegressionFailed*'
        $err[0].Exception.Message | Should -Match '903\.raises.*deliberately broken'
        $json = Get-Content -Raw $broken.ResultPath | ConvertFrom-Json -AsHashtable
        $json.http.error.message | Should -Match 'deliberately broken'
        $json.error | Should -Match 'deliberately broken'
    }

    It 'fails a case whose input cannot be made, with the reason, instead of skipping it' {
        $root = Join-Path $TestDrive 'no-input'
        New-Item -ItemType Directory (Join-Path $root '904.no-input/python') -Force | Out-Null
        '{ "timeout": 5, "memory": 128, "languages": ["python"], "modules": [] }' | Set-Content (Join-Path $root '904.no-input/config.json')
        "def handler(event):`n    return {}`n" | Set-Content (Join-Path $root '904.no-input/python/function.py')
        $err = $null
        $r = Invoke-SebsRegression -Benchmark 904.no-input -BenchmarkPath $root -OutputPath (Join-Path $TestDrive 'reg3') `
            -ErrorVariable err -ErrorAction SilentlyContinue @common
        $r.Passed | Should -BeFalse
        $r.Error | Should -Not -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'Sebs.RegressionFailed*'
    }

    It 'reports an unknown benchmark name instead of running nothing silently' {
        $err = $null
        Invoke-SebsRegression -Benchmark 999.nope -OutputPath (Join-Path $TestDrive 'reg4') -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue @common
        $err[0].FullyQualifiedErrorId | Should -BeLike 'Sebs.UnknownBenchmark*'
    }
}

Describe 'Export-SebsChart on real results' {
    BeforeAll {
        $script:charts = Join-Path $TestDrive 'charts'
        # Warm runs at two memory sizes plus cold starts: ColdWarm, PerfCost and Histogram data.
        $script:results = foreach ($memory in 128, 256) {
            Invoke-SebsBenchmark 010.sleep -Language python -Payload @{ sleep = 0.01 } -Repetitions 10 -Memory $memory @common
            Invoke-SebsBenchmark 010.sleep -Language python -Payload @{ sleep = 0.01 } -Repetitions 3 -ColdStart -Memory $memory @common
        }
        # Payloads of growing size, warm and cold, for the overhead curve.
        $script:overhead = foreach ($size in 0, 20000, 200000) {
            $payload = @{ sleep = 0; data = 'x' * $size }
            foreach ($cold in $false, $true) {
                Invoke-SebsBenchmark 010.sleep -Language nodejs -Payload $payload -Repetitions 3 -ColdStart:$cold @common |
                    Add-Member -NotePropertyName PayloadBytes -NotePropertyValue $size -PassThru
            }
        }
    }

    It 'had real results to draw' {
        $results.Count | Should -Be 26
        ($results | Where-Object IsCold).Count | Should -BeGreaterOrEqual 6
        ($results | Where-Object Failed) | Should -BeNullOrEmpty
        ($overhead | Where-Object IsCold).Count | Should -BeGreaterOrEqual 9
    }

    It 'draws <Kind> as PNG and SVG' -ForEach @(
        @{ Kind = 'ColdWarm'; Extra = @{}; MinMarks = 26 }
        @{ Kind = 'PerfCost'; Extra = @{}; MinMarks = 8 }
        @{ Kind = 'Histogram'; Extra = @{ Bins = 20 }; MinMarks = 4 }
        @{ Kind = 'InvocationOverhead'; Extra = @{ X = 'PayloadBytes'; Y = 'ClientMs' }; MinMarks = 6 }
    ) {
        $data = if ($Kind -eq 'InvocationOverhead') { $overhead } else { $results }
        $png = $data | Export-SebsChart (Join-Path $charts "$Kind.png") -Kind $Kind @Extra
        $png | Should -BeOfType ([IO.FileInfo])
        Assert-Png $png.FullName
        $svg = $data | Export-SebsChart (Join-Path $charts "$Kind.svg") -Kind $Kind @Extra
        Assert-Svg $svg.FullName -MinMarks $MinMarks
    }

    It 'takes the format from -Format over the extension, and size from -Width and -Height' {
        $file = Export-SebsChart (Join-Path $charts 'forced.img') -Kind Histogram -Format Png -Width 640 -Height 400 -InputObject $results
        Assert-Png $file.FullName
        $bytes = [IO.File]::ReadAllBytes($file.FullName)
        Get-BigEndian $bytes 16 | Should -Be 640
        Get-BigEndian $bytes 20 | Should -Be 400
    }

    It 'says why when there is nothing to draw' {
        $err = $null
        @() | Export-SebsChart (Join-Path $charts 'empty.png') -Kind ColdWarm -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'Sebs.NoChartData*'
        Join-Path $charts 'empty.png' | Should -Not -Exist
    }

    It 'keeps ScottPlot and SkiaSharp out of the default load context' {
        $loaded = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -match '^(ScottPlot|SkiaSharp)' }
        $loaded | Should -Not -BeNullOrEmpty
        foreach ($a in $loaded) {
            [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($a).Name | Should -Be 'Sebs.Analysis'
        }
    }
}
