# One behaviour suite over every platform (tests/pester/contract/README.md): each contract/*.contract.ps1 adds cases;
# every check goes through the cmdlets with the case's arguments, against a real emulator or a fake that answers as
# the service does.
BeforeDiscovery {
    $cases = foreach ($file in Get-ChildItem (Join-Path $PSScriptRoot 'contract') -Filter '*.contract.ps1' | Sort-Object Name) { . $file.FullName }
}

Describe 'Platform contract: <Name>' -ForEach $cases {
    BeforeAll {
        Import-Module $env:SEBS_TEST_MODULE -Force
        Import-Module (Join-Path $PSScriptRoot 'SebsTestHelpers.psm1') -Force
        $script:root = Join-Path ([IO.Path]::GetTempPath()) ('sebs-contract-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        New-Item -ItemType Directory -Path $root | Out-Null
        $script:ctx = & $Start $root
        $script:skip = $ctx.Skip
        $script:A = if ($ctx.Arguments) { $ctx.Arguments } else { @{} }
        $script:savedEnv = @{}
        foreach ($k in @(if ($ctx.Environment) { $ctx.Environment.Keys })) {
            $savedEnv[$k] = [Environment]::GetEnvironmentVariable($k)
            [Environment]::SetEnvironmentVariable($k, $ctx.Environment[$k])
        }

        # A benchmark of its own whose code the suite changes (v1 -> v2) to check code updates.
        $script:bench = Join-Path $root 'benchmarks'
        $script:versioned = Join-Path $bench '900.contract/903.contract-version'
        New-Item -ItemType Directory -Path (Join-Path $versioned 'python'), (Join-Path $versioned 'nodejs') -Force | Out-Null
        '{ "timeout": 30, "memory": 128, "languages": ["python", "nodejs"], "modules": [] }' | Set-Content (Join-Path $versioned 'config.json')
        '{ "sizes": { "test": { "n": 1 }, "small": { "n": 2 }, "large": { "n": 3 } } }' | Set-Content (Join-Path $versioned 'input.json')
        '{"name": "sebs-903", "version": "1.0.0", "dependencies": {}}' | Set-Content (Join-Path $versioned 'nodejs/package.json')
        function Set-ContractVersion([string]$Version) {
            "def handler(event):`n    return {'result': {'version': '$Version', 'n': event.get('n')}}`n" | Set-Content (Join-Path $versioned 'python/function.py')
            "exports.handler = async function (event) { return { result: { version: '$Version', n: event.n } }; };`n" | Set-Content (Join-Path $versioned 'nodejs/function.js')
        }
        Set-ContractVersion 'v1'
        $script:testBenchmarks = Join-Path $PSScriptRoot 'benchmarks'

        function Invoke-Contract {
            param([string]$Language, [hashtable]$Extra = @{}, [int]$Repetitions = 1, [string]$Benchmark = '903.contract-version', [string[]]$Path = @($bench))
            $a = $A
            @(Invoke-SebsBenchmark $Benchmark -Size test -Language $Language -Repetitions $Repetitions -BenchmarkPath $Path @a @Extra -ErrorAction Stop)
        }
        function Get-ContractFunction([string]$Language, [string]$Benchmark = '903.contract-version') {
            $a = $A
            @(Get-SebsFunction @a -Benchmark $Benchmark | Where-Object Language -eq $Language)
        }
        function Assert-Succeeded($Results) {
            foreach ($r in $Results) { $r.Failed | Should -BeFalse -Because $r.ErrorMessage }
        }
    }

    AfterAll {
        if ($ctx -and $Stop) { & $Stop $ctx }
        foreach ($k in @($savedEnv.Keys)) { [Environment]::SetEnvironmentVariable($k, $savedEnv[$k]) }
        Remove-Item -Recurse -Force $root -ErrorAction SilentlyContinue
    }

    BeforeEach { if ($skip) { Set-ItResult -Skipped -Because $skip } }

    Context '<_>' -ForEach $Languages {
        BeforeAll { $script:language = $_ }

        It 'creates the function on first use; its first invocation is cold' {
            Set-ContractVersion 'v1'
            $r = Invoke-Contract -Language $language -Repetitions 2 -Extra @{ Memory = $Memory[0] }
            $r | Should -HaveCount 2
            Assert-Succeeded $r
            $r[0].IsCold | Should -BeTrue
            $r[1].IsCold | Should -BeFalse
            $r[0].Platform | Should -Be $Platform
            $r[0].Result['result']['version'].ToString() | Should -Be 'v1'
            $f = Get-ContractFunction $language
            $f | Should -HaveCount 1
            $f[0].MemoryMB | Should -Be $Memory[0]
            $f[0].Platform.ToString() | Should -Be $Platform
            $script:firstHash = $f[0].CodeHash
            $script:lastContainer = $r[1].ContainerId
            if ($Inspect) { (& $Inspect $ctx $f[0].Name).Exists | Should -BeTrue }
        }

        It 'reuses the unchanged function: same code, warm, same sandbox' {
            $r = Invoke-Contract -Language $language -Extra @{ Memory = $Memory[0] }
            Assert-Succeeded $r
            $r[0].IsCold | Should -BeFalse
            $r[0].ContainerId | Should -Be $lastContainer
            (Get-ContractFunction $language)[0].CodeHash | Should -Be $firstHash
        }

        It 'updates the code when it changes' {
            Set-ContractVersion 'v2'
            $r = Invoke-Contract -Language $language -Extra @{ Memory = $Memory[0] }
            Assert-Succeeded $r
            $r[0].Result['result']['version'].ToString() | Should -Be 'v2'
            (Get-ContractFunction $language)[0].CodeHash | Should -Not -Be $firstHash
        }

        It 'updates the configuration (memory)' {
            $r = Invoke-Contract -Language $language -Extra @{ Memory = $Memory[1] }
            Assert-Succeeded $r
            $r[0].FunctionMemoryMB | Should -Be $Memory[1]
            $f = Get-ContractFunction $language
            $f[0].MemoryMB | Should -Be $Memory[1]
            if ($Inspect) { (& $Inspect $ctx $f[0].Name).MemoryMB | Should -Be $Memory[1] }
        }

        It 'invokes through the <_> trigger' -ForEach $Triggers {
            $r = Invoke-Contract -Language $language -Extra @{ Memory = $Memory[1]; Trigger = $_ }
            Assert-Succeeded $r
            $r[0].Trigger | Should -Be $_.ToLowerInvariant()
            $r[0].Result['result']['version'].ToString() | Should -Be 'v2'
        }

        It 'forces cold starts' {
            $r = Invoke-Contract -Language $language -Repetitions 2 -Extra @{ Memory = $Memory[1]; ColdStart = $true }
            Assert-Succeeded $r
            $r | ForEach-Object { $_.IsCold | Should -BeTrue }
        }

        It 'fills provider metrics from the results alone' {
            $r = Invoke-Contract -Language $language -Repetitions 2 -Extra @{ Memory = $Memory[1] }
            $a = $A
            $m = @($r | Get-SebsMetrics @a)
            $m | Should -HaveCount 2
            foreach ($x in $m) {
                if ($Metrics -eq 'ProviderTime') { $x.ProviderMs | Should -BeGreaterThan 0 } else { $x.MemoryMB | Should -BeGreaterThan 0 }
            }
        }

        It 'round-trips object storage (901.storage-echo)' {
            $r = Invoke-Contract -Language $language -Benchmark '901.storage-echo' -Path @($testBenchmarks)
            Assert-Succeeded $r
            $expected = (Get-FileHash -Algorithm MD5 (Join-Path $testBenchmarks '900.test/901.storage-echo/data/hello.txt')).Hash.ToLowerInvariant()
            $r[0].Result['result']['md5'].ToString() | Should -Be $expected
        }

        It 'serves NoSQL tables (130.crud-api)' {
            if (-not $NoSql) { Set-ItResult -Skipped -Because "$Platform declares no NoSQL store"; return }
            $a = $A
            $r = @(Invoke-SebsBenchmark 130.crud-api -Size test -Language $language -Repetitions 1 -Validate @a -ErrorAction Stop)
            Assert-Succeeded $r
            $r[0].Valid | Should -BeTrue -Because $r[0].ValidationMessage
        }

        It 'deletes the function' {
            $f = Get-ContractFunction $language
            $a = $A
            $f | Remove-SebsFunction @a -Force
            Get-ContractFunction $language | Should -HaveCount 0
            if ($Inspect) { (& $Inspect $ctx $f[0].Name).Exists | Should -BeFalse }
        }
    }

    It 'lists what it created and cleans it up (-WhatIf deletes nothing)' {
        $null = Invoke-Contract -Language $Languages[0]
        $a = $A
        $before = @(Get-SebsResource @a -Kind $CleanupKinds)
        $before.Count | Should -BeGreaterThan 0
        $before.Kind | Should -Contain 'function'
        Remove-SebsResource @a -Kind $CleanupKinds -WhatIf
        @(Get-SebsResource @a -Kind $CleanupKinds) | Should -HaveCount $before.Count
        $removed = @(Remove-SebsResource @a -Kind $CleanupKinds -Force -PassThru)
        $removed | Should -HaveCount $before.Count
        @(Get-SebsResource @a -Kind $CleanupKinds) | Should -HaveCount 0
        @(Get-SebsFunction @a) | Should -HaveCount 0
    }

    It 'refuses to run without credentials, before any call' {
        if (-not $MissingCredentials) { Set-ItResult -Skipped -Because "$Platform needs no credentials"; return }
        $no = & $MissingCredentials $root $ctx
        $saved = @{}
        foreach ($k in @($no.Environment.Keys)) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $no.Environment[$k]) }
        try {
            $b = $no.Arguments
            { Invoke-SebsBenchmark 903.contract-version -Size test -BenchmarkPath $bench @b -ErrorAction Stop } |
                Should -Throw -ErrorId 'Sebs.MissingCredentials*'
        }
        finally { foreach ($k in @($saved.Keys)) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) } }
    }
}
