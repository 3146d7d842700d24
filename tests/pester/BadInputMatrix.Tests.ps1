# Bad-input matrix (issue: nothing measured is lost, nothing leaks, nothing is mislabelled): every input a user can get
# wrong, across configs, parameters, payloads and benchmark folders, gives an ErrorRecord with a stable id that names
# the thing, before anything is deployed. One row per case: what is run and the id it must give.
BeforeDiscovery {
    # Each case: Name, Id (the FullyQualifiedErrorId prefix, or 'Warning:<regex>' for accepted-with-warning input), Run.
    # Run is a script block over $c (the case's folder: config files, benchmark folders) and $common (-CachePath, -Sandbox).
    $script:cases = @(
        # ---- configs --------------------------------------------------------------------------------------------
        @{ Name = 'config file missing'; Id = 'Sebs.ConfigNotFound'; Run = { Get-SebsConfig (Join-Path $c 'nope.json') } }
        @{ Name = 'config not JSON'; Id = 'Sebs.InvalidConfig'; Config = '{ "experiments": '; Run = { Get-SebsConfig $cfg } }
        @{ Name = 'config top level array'; Id = 'Sebs.InvalidConfig'; Config = '[1, 2]'; Run = { Get-SebsConfig $cfg } }
        @{ Name = 'experiments not an object'; Id = 'Sebs.InvalidConfig'; Config = '{"experiments": 3}'; Run = { Get-SebsConfig $cfg } }
        @{ Name = 'deployment not an object'; Id = 'Sebs.InvalidConfig'; Config = '{"deployment": "local"}'; Run = { Get-SebsConfig $cfg } }
        @{ Name = 'update_code not a bool'; Id = 'Sebs.InvalidConfig'; Config = '{"experiments": {"update_code": "yes"}}'; Run = { Get-SebsConfig $cfg } }
        @{ Name = 'architecture unknown'; Id = 'Sebs.InvalidConfig'; Config = '{"experiments": {"architecture": "x86"}}'; Run = { Get-SebsConfig $cfg } }
        @{ Name = 'runtime without language'; Id = 'Sebs.InvalidConfig'; Config = '{"experiments": {"runtime": {"version": "3.11"}}}'; Run = { Get-SebsConfig $cfg } }
        @{ Name = 'runtime without version'; Id = 'Sebs.InvalidConfig'; Config = '{"experiments": {"runtime": {"language": "python"}}}'; Run = { Get-SebsConfig $cfg } }
        @{ Name = 'runtime language not a string'; Id = 'Sebs.InvalidConfig'; Config = '{"experiments": {"runtime": {"language": 3, "version": "3.11"}}}'; Run = { Get-SebsConfig $cfg } }
        @{ Name = 'system_variant not a string'; Id = 'Sebs.InvalidConfig'; Config = '{"experiments": {"system_variant": 1}}'; Run = { Get-SebsConfig $cfg } }
        @{ Name = 'config with invalid UTF-8'; Id = 'Sebs.InvalidConfig'; ConfigBytes = [byte[]](0x7B, 0x22, 0x63, 0x61, 0x63, 0x68, 0x65, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D); Run = { Get-SebsConfig $cfg } }
        @{ Name = 'deployment.name unknown platform'; Id = 'Sebs.UnknownPlatform'; Config = '{"deployment": {"name": "awz"}}'; Run = { Get-SebsConfig $cfg } }
        @{ Name = 'deployment.name unknown, used by a platform cmdlet'; Id = 'Sebs.UnknownPlatform'; Config = '{"deployment": {"name": "awz"}}'; Run = { Invoke-SebsBenchmark 010.sleep -ConfigPath $cfg @common } }
        @{ Name = 'unknown top-level key'; Id = 'Warning:unknown key ''experimets''.*Did you mean ''experiments'''; Config = '{"experimets": {}}'; Run = { Get-SebsConfig $cfg } }
        @{ Name = 'unknown experiments key'; Id = 'Warning:unknown key ''experiments.update_cod''.*Did you mean ''experiments.update_code'''; Config = '{"experiments": {"update_cod": true}}'; Run = { Get-SebsConfig $cfg } }
        @{ Name = 'unknown runtime key'; Id = 'Warning:experiments.runtime.versoin.*Did you mean ''experiments.runtime.version'''; Config = '{"experiments": {"runtime": {"language": "python", "version": "3.11", "versoin": "3.9"}}}'; Run = { Get-SebsConfig $cfg } }
        @{ Name = 'unknown deployment key'; Id = 'Warning:deployment.locl.*Did you mean ''deployment.local'''; Config = '{"deployment": {"name": "local", "locl": {}}}'; Run = { Get-SebsConfig $cfg } }
        @{ Name = 'unknown key warned by platform cmdlets too'; Id = 'Warning:deployment.nmae'; Config = '{"deployment": {"nmae": "local"}}'; Run = { Get-SebsFunction -ConfigPath $cfg -CachePath (Join-Path $c 'cache') } }
        @{ Name = 'object storage type unknown'; Id = 'Sebs.InvalidConfig'; Config = '{"deployment": {"name": "local", "local": {"storage": {"object": {"type": "minoi"}}}}}'; Run = { Invoke-SebsBenchmark 010.sleep -ConfigPath $cfg @common } }
        @{ Name = 'object storage minio section missing'; Id = 'Sebs.InvalidConfig'; Config = '{"deployment": {"name": "local", "local": {"storage": {"object": {"type": "minio"}}}}}'; Run = { Invoke-SebsBenchmark 010.sleep -ConfigPath $cfg @common } }
        @{ Name = 'object storage minio without address'; Id = 'Sebs.InvalidConfig'; Config = '{"deployment": {"name": "local", "local": {"storage": {"object": {"type": "minio", "minio": {"access_key": "a"}}}}}}'; Run = { Invoke-SebsBenchmark 010.sleep -ConfigPath $cfg @common } }
        @{ Name = 'nosql type unknown'; Id = 'Sebs.InvalidConfig'; Config = '{"deployment": {"name": "local", "local": {"storage": {"nosql": {"type": "mongo"}}}}}'; Run = { Invoke-SebsBenchmark 010.sleep -ConfigPath $cfg @common } }
        @{ Name = 'nosql dynamodb without address'; Id = 'Sebs.InvalidConfig'; Config = '{"deployment": {"name": "local", "local": {"storage": {"nosql": {"type": "dynamodb", "dynamodb": {}}}}}}'; Run = { Invoke-SebsBenchmark 010.sleep -ConfigPath $cfg @common } }
        @{ Name = 'New-SebsConfig over an existing file'; Id = 'Sebs.ConfigExists'; Config = '{}'; Run = { New-SebsConfig Local -Path $cfg } }

        # ---- parameters -------------------------------------------------------------------------------------------
        @{ Name = 'unknown benchmark'; Id = 'Sebs.UnknownBenchmark'; Run = { Invoke-SebsBenchmark 999.nothing @common } }
        @{ Name = 'unknown platform'; Id = 'Sebs.UnknownPlatform'; Run = { Invoke-SebsBenchmark 010.sleep -Platform Nope -CachePath (Join-Path $c 'cache') } }
        @{ Name = 'unknown language version'; Id = 'Sebs.UnknownLanguage'; Run = { Invoke-SebsBenchmark 010.sleep -LanguageVersion 2.7 @common } }
        @{ Name = 'language the benchmark lacks'; Id = 'Sebs.UnknownLanguage'; Run = { Invoke-SebsBenchmark 903.faults -Language nodejs -BenchmarkPath $suite @common } }
        @{ Name = 'function name with ..'; Id = 'Sebs.InvalidName'; Run = { Invoke-SebsBenchmark 010.sleep -FunctionName '../escape' @common } }
        @{ Name = 'function name with a slash'; Id = 'Sebs.InvalidName'; Run = { Invoke-SebsBenchmark 010.sleep -FunctionName 'a/b' @common } }
        @{ Name = 'function name ..'; Id = 'Sebs.InvalidName'; Run = { Invoke-SebsBenchmark 010.sleep -FunctionName '..' @common } }
        @{ Name = 'function name with a backslash'; Id = 'Sebs.InvalidName'; Run = { Invoke-SebsBenchmark 010.sleep -FunctionName 'a\b' @common } }
        @{ Name = 'function name with spaces'; Id = 'Sebs.InvalidName'; Run = { New-SebsFunction 010.sleep -FunctionName 'my function' @common } }
        @{ Name = 'function name too long'; Id = 'Sebs.InvalidName'; Run = { New-SebsFunction 010.sleep -FunctionName ('f' * 200) @common } }
        @{ Name = 'benchmark name reaching outside the cache'; Id = 'Sebs.InvalidName'; Run = { Get-SebsFunction -Benchmark '../etc' -CachePath (Join-Path $c 'cache') } }
        @{ Name = '-BenchmarkPath missing (Invoke)'; Id = 'Sebs.PathNotFound'; Run = { Invoke-SebsBenchmark 010.sleep -BenchmarkPath (Join-Path $c 'nope') @common } }
        @{ Name = '-BenchmarkPath missing (New-SebsFunction)'; Id = 'Sebs.PathNotFound'; Run = { New-SebsFunction 010.sleep -BenchmarkPath (Join-Path $c 'nope') @common } }
        @{ Name = '-BenchmarkPath missing (Start-SebsExperiment)'; Id = 'Sebs.PathNotFound'; Run = { Start-SebsExperiment perf-cost -Benchmark 010.sleep -BenchmarkPath (Join-Path $c 'nope') -OutputPath (Join-Path $c 'out') @common } }
        @{ Name = '-Path missing (Get-SebsBenchmark)'; Id = 'Sebs.PathNotFound'; Run = { Get-SebsBenchmark -Path (Join-Path $c 'nope') } }
        @{ Name = '-ResultsPath is a folder'; Id = 'Sebs.ResultsNotWritable'; Run = { New-Item -ItemType Directory (Join-Path $c 'r') | Out-Null; Invoke-SebsBenchmark 010.sleep -ResultsPath (Join-Path $c 'r') @common } }
        @{ Name = '-ResultsPath below a file'; Id = 'Sebs.ResultsNotWritable'; Run = { Set-Content (Join-Path $c 'f') x; Invoke-SebsBenchmark 010.sleep -ResultsPath (Join-Path $c 'f/results.jsonl') @common } }
        @{ Name = '-ResultsPath in a folder nobody can write (/proc)'; Id = 'Sebs.ResultsNotWritable'; Run = { Invoke-SebsBenchmark 010.sleep -ResultsPath '/proc/sebs-no-write/results.jsonl' @common } }
        @{ Name = '-OutputPath in a folder nobody can write (/proc)'; Id = 'Sebs.ResultsNotWritable'; Run = { Start-SebsExperiment perf-cost -Benchmark 010.sleep -OutputPath '/proc/sebs-no-write/out' @common } }
        @{ Name = '-CachePath that cannot be created'; Id = 'Sebs.IOError'; Run = { Invoke-SebsBenchmark 010.sleep -CachePath '/proc/sebs-no-cache' -Sandbox Process } }
        @{ Name = '-PlatformOption unknown'; Id = 'Sebs.InvalidConfig'; Run = { Invoke-SebsBenchmark 010.sleep -PlatformOption @{ Nope = 1 } -CachePath (Join-Path $c 'cache') } }
        @{ Name = '-PlatformOption value not allowed'; Id = 'Sebs.InvalidConfig'; Run = { Invoke-SebsBenchmark 010.sleep -PlatformOption @{ Sandbox = 'VM' } -CachePath (Join-Path $c 'cache') } }
        @{ Name = '-Sandbox value not allowed'; Id = 'ParameterArgumentValidationError'; Run = { Invoke-SebsBenchmark 010.sleep -Sandbox VM -CachePath (Join-Path $c 'cache') } }
        @{ Name = '-Repetitions 0'; Id = 'ParameterArgumentValidationError'; Run = { Invoke-SebsBenchmark 010.sleep -Repetitions 0 @common } }
        @{ Name = '-Memory below 64'; Id = 'ParameterArgumentValidationError'; Run = { Invoke-SebsBenchmark 010.sleep -Memory 10 @common } }
        @{ Name = '-Size unknown'; Id = 'ParameterArgumentValidationError'; Run = { Invoke-SebsBenchmark 010.sleep huge @common } }
        @{ Name = 'unknown experiment'; Id = 'ParameterArgumentValidationError'; Run = { Start-SebsExperiment perf-costs @common } }
        @{ Name = 'Get-SebsFunction unknown name'; Id = 'Sebs.FunctionNotFound'; Category = 'ObjectNotFound'; Run = { Get-SebsFunction nothing-here -CachePath (Join-Path $c 'cache') } }
        @{ Name = 'Remove-SebsFunction unknown name'; Id = 'Sebs.FunctionNotFound'; Category = 'ObjectNotFound'; Run = { Remove-SebsFunction -Name nothing-here -Force -CachePath (Join-Path $c 'cache') } }
        @{ Name = 'Get-SebsBenchmark unknown name'; Id = 'Sebs.UnknownBenchmark'; Category = 'ObjectNotFound'; Run = { Get-SebsBenchmark 999.nothing } }
        @{ Name = 'Import-SebsResult missing file'; Id = 'Sebs.ResultFileNotFound'; Run = { Import-SebsResult (Join-Path $c 'none.jsonl') } }
        @{ Name = 'Import-SebsResult not a result file'; Id = 'Sebs.ResultFileInvalid'; Run = { Set-Content (Join-Path $c 'bad.json') '{"x": '; Import-SebsResult (Join-Path $c 'bad.json') } }

        # ---- payloads ---------------------------------------------------------------------------------------------
        @{ Name = 'payload string not JSON'; Id = 'Sebs.InvalidPayload'; Run = { Invoke-SebsBenchmark 010.sleep -Payload 'not json' @common } }
        @{ Name = 'payload JSON truncated'; Id = 'Sebs.InvalidPayload'; Run = { Invoke-SebsBenchmark 010.sleep -Payload '{"sleep": ' @common } }
        @{ Name = 'payload JSON array'; Id = 'Sebs.InvalidPayload'; Run = { Invoke-SebsBenchmark 010.sleep -Payload '[1, 2]' @common } }
        @{ Name = 'payload a number'; Id = 'Sebs.InvalidPayload'; Run = { Invoke-SebsBenchmark 010.sleep -Payload 42 @common } }
        @{ Name = 'payload hashtable with a lone surrogate'; Id = 'Sebs.InvalidPayload'; Run = { Invoke-SebsBenchmark 010.sleep -Payload @{ text = "a$([char]0xD800)b" } @common } }
        @{ Name = 'payload JSON with an escaped lone surrogate'; Id = 'Sebs.InvalidPayload'; Run = { Invoke-SebsBenchmark 010.sleep -Payload '{"text": "\ud800"}' @common } }
        @{ Name = 'payload key with a lone surrogate'; Id = 'Sebs.InvalidPayload'; Run = { Invoke-SebsBenchmark 010.sleep -Payload @{ "k$([char]0xDC00)" = 1 } @common } }

        # ---- benchmark folders ------------------------------------------------------------------------------------
        @{ Name = 'benchmark config not JSON'; Id = 'Sebs.InvalidBenchmarkConfig'; Bench = '{ "timeout": '; Run = { Invoke-SebsBenchmark 950.bad -BenchmarkPath $bench @common } }
        @{ Name = 'benchmark config top level array'; Id = 'Sebs.InvalidBenchmarkConfig'; Bench = '[]'; Run = { Invoke-SebsBenchmark 950.bad -BenchmarkPath $bench @common } }
        @{ Name = 'benchmark timeout missing'; Id = 'Sebs.InvalidBenchmarkConfig'; Bench = '{"memory": 128, "languages": ["python"]}'; Run = { Invoke-SebsBenchmark 950.bad -BenchmarkPath $bench @common } }
        @{ Name = 'benchmark memory missing'; Id = 'Sebs.InvalidBenchmarkConfig'; Bench = '{"timeout": 10, "languages": ["python"]}'; Run = { Invoke-SebsBenchmark 950.bad -BenchmarkPath $bench @common } }
        @{ Name = 'benchmark timeout negative'; Id = 'Sebs.InvalidBenchmarkConfig'; Bench = '{"timeout": -1, "memory": 128, "languages": ["python"]}'; Run = { Invoke-SebsBenchmark 950.bad -BenchmarkPath $bench @common } }
        @{ Name = 'benchmark memory fractional'; Id = 'Sebs.InvalidBenchmarkConfig'; Bench = '{"timeout": 10, "memory": 12.5, "languages": ["python"]}'; Run = { Invoke-SebsBenchmark 950.bad -BenchmarkPath $bench @common } }
        @{ Name = 'benchmark languages empty'; Id = 'Sebs.InvalidBenchmarkConfig'; Bench = '{"timeout": 10, "memory": 128, "languages": []}'; Run = { Invoke-SebsBenchmark 950.bad -BenchmarkPath $bench @common } }
        @{ Name = 'benchmark languages not an array'; Id = 'Sebs.InvalidBenchmarkConfig'; Bench = '{"timeout": 10, "memory": 128, "languages": "python"}'; Run = { Invoke-SebsBenchmark 950.bad -BenchmarkPath $bench @common } }
        @{ Name = 'benchmark language entry a number'; Id = 'Sebs.InvalidBenchmarkConfig'; Bench = '{"timeout": 10, "memory": 128, "languages": [3]}'; Run = { Invoke-SebsBenchmark 950.bad -BenchmarkPath $bench @common } }
        @{ Name = 'benchmark module unknown'; Id = 'Sebs.InvalidBenchmarkConfig'; Bench = '{"timeout": 10, "memory": 128, "languages": ["python"], "modules": ["storag"]}'; Run = { Invoke-SebsBenchmark 950.bad -BenchmarkPath $bench @common } }
        @{ Name = 'benchmark config with invalid UTF-8'; Id = 'Sebs.InvalidBenchmarkConfig'; BenchBytes = [byte[]](0x7B, 0x22, 0x74, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D); Run = { Invoke-SebsBenchmark 950.bad -BenchmarkPath $bench @common } }
        @{ Name = 'broken benchmark listed by Get-SebsBenchmark'; Id = 'Sebs.InvalidBenchmarkConfig'; Bench = '{"timeout": 10}'; Run = { Get-SebsBenchmark -Path $bench } }
        @{ Name = 'broken benchmark given to New-SebsFunction'; Id = 'Sebs.InvalidBenchmarkConfig'; Bench = '{"memory": 1}'; Run = { New-SebsFunction 950.bad -BenchmarkPath $bench @common } }
    )
}

BeforeAll {
    Import-Module $env:SEBS_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SebsTestHelpers.psm1') -Force
    $script:root = Join-Path ([IO.Path]::GetTempPath()) ("sebs-bad-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $script:benchRoot = "$root-benchmarks"
    New-Item -ItemType Directory $root, $benchRoot | Out-Null
    $script:suite = Join-Path $PSScriptRoot 'benchmarks'
}

AfterAll {
    Remove-SebsTestFunctions -Root $root
    Remove-Item -Recurse -Force $root, $benchRoot -ErrorAction SilentlyContinue
}

Describe 'Bad-input matrix: <Name>' -ForEach $cases {
    It 'gives <Id> and deploys nothing' {
        $c = Join-Path $root ([guid]::NewGuid().ToString('N').Substring(0, 8))
        New-Item -ItemType Directory $c | Out-Null
        $cache = Join-Path $c 'cache'
        $common = @{ CachePath = $cache; Sandbox = 'Process'; Repetitions = 1 }
        if ($Run.ToString() -match 'New-SebsFunction|Start-SebsExperiment') { $common.Remove('Repetitions') }
        $cfg = Join-Path $c 'config.json'
        if ($Config) { Set-Content -Path $cfg -Value $Config }
        if ($ConfigBytes) { [IO.File]::WriteAllBytes($cfg, $ConfigBytes) }
        # Outside $root: the clean-up helper takes every NNN.name/config.json below $root for a cache.
        $bench = Join-Path $benchRoot ([guid]::NewGuid().ToString("N").Substring(0, 8))
        if ($Bench -or $BenchBytes) {
            $dir = Join-Path $bench '950.bad'
            New-Item -ItemType Directory (Join-Path $dir 'python') -Force | Out-Null
            Set-Content (Join-Path $dir 'python/function.py') 'def handler(event): return {}'
            if ($Bench) { Set-Content (Join-Path $dir 'config.json') $Bench } else { [IO.File]::WriteAllBytes((Join-Path $dir 'config.json'), $BenchBytes) }
        }

        # Stop turns the first error, terminating or not, into the exception caught here with its own ErrorRecord.
        $errors = @(); $output = @()
        try { $output = @(& { $ErrorActionPreference = 'Stop'; & $Run } 3>&1) }
        catch { $errors = @($_) }
        $warnings = @($output | Where-Object { $_ -is [System.Management.Automation.WarningRecord] })

        if ($Id -like 'Warning:*') {
            ($warnings.Message -join "`n") | Should -Match $Id.Substring(8)
            $errors | Should -BeNullOrEmpty -Because ($errors.FullyQualifiedErrorId -join ', ')
        }
        else {
            $errors | Should -Not -BeNullOrEmpty -Because "$Name must be refused"
            $errors[0].FullyQualifiedErrorId | Should -BeLike "$Id*" -Because $errors[0].Exception.Message
            if ($Id -like 'Sebs.*') {
                $errors[0].Exception.Message | Should -Not -BeNullOrEmpty
                $errors[0].CategoryInfo.Category | Should -Not -Be 'NotSpecified'
            }
            if ($Category) { $errors[0].CategoryInfo.Category | Should -Be $Category }
        }
        # Refused before any work: no function in the cache, no sandbox of this cache running.
        if (Test-Path $cache) { @(Get-SebsFunction -CachePath $cache -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty }
    }
}

Describe 'Error ids' {
    BeforeAll {
        $script:declared = @([Sebs.Core.SebsErrorIds].GetFields() | Where-Object IsLiteral | ForEach-Object { $_.GetRawConstantValue() })
        $about = Get-Content -Raw (Join-Path $PSScriptRoot '../../docs/en-US/about_Sebs.md')
        $section = $about.Substring($about.IndexOf('### Errors'))
        $section = $section.Substring(0, $section.IndexOf('## EXAMPLES'))
        $script:listed = @([regex]::Matches($section, '(?m)^(Sebs\.[A-Za-z]+)\s') | ForEach-Object { $_.Groups[1].Value })
        $sources = Get-ChildItem (Join-Path $PSScriptRoot '../../src') -Recurse -Filter *.cs | Where-Object FullName -notmatch '/(obj|bin)/'
        $script:literals = @($sources | Select-String -Pattern '"(Sebs\.[A-Z][A-Za-z]+)"' -AllMatches -CaseSensitive | ForEach-Object { $_.Matches.Groups |
                Where-Object Name -eq 1 | ForEach-Object Value } | Where-Object { $_ -notmatch '^Sebs\.(Core|Cmdlets|Analysis|Tests|Local|Platforms)$' } | Sort-Object -Unique)
    }
    It 'about_Sebs lists every id Sebs declares' { $declared | Where-Object { $_ -notin $listed } | Should -BeNullOrEmpty }
    It 'about_Sebs lists no id Sebs does not declare' { $listed | Where-Object { $_ -notin $declared } | Should -BeNullOrEmpty }
    It 'every id written in the source is a declared one' { $literals | Where-Object { $_ -notin $declared } | Should -BeNullOrEmpty }
}
