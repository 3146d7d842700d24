# House rules every exported cmdlet must keep, checked against the built module (one test case per cmdlet),
# plus the manifest's export lists and the cost of Import-Module in a fresh process.
BeforeDiscovery {
    Import-Module $env:SEBS_TEST_MODULE -Force
    $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    $cmdlets = foreach ($cmd in Get-Command -Module Sebs -CommandType Cmdlet | Sort-Object Name) {
        @{
            Name       = $cmd.Name
            Verb       = $cmd.Verb
            Noun       = $cmd.Noun
            Parameters = @($cmd.Parameters.Keys | Where-Object { $_ -notin $common } | Sort-Object)
        }
    }
    $stateChangingVerbs = 'New', 'Set', 'Remove', 'Clear', 'Update', 'Start', 'Stop'
}

BeforeAll {
    Import-Module $env:SEBS_TEST_MODULE -Force
    $manifestPath = $env:SEBS_TEST_MODULE
    $moduleRoot = Split-Path $env:SEBS_TEST_MODULE
    $docsPath = Join-Path $PSScriptRoot '../../docs/en-US'
    # Types that say nothing about what a cmdlet returns.
    $vagueTypes = @(
        [object], [psobject], [System.Management.Automation.PSCustomObject], [string], [hashtable],
        [System.Collections.IDictionary], [System.Collections.IEnumerable], [array], [void]
    )
}

Describe 'Exported cmdlet <Name>' -ForEach $cmdlets {
    BeforeAll {
        $cmd = Get-Command -Module Sebs -Name $Name -CommandType Cmdlet
        $attr = $cmd.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $true)[0]
        $help = Get-Help $Name -Full
    }

    It 'has an approved verb' {
        (Get-Verb).Verb | Should -Contain $Verb -Because "$Name must use an approved verb (Get-Verb)"
    }

    It 'has a noun starting with Sebs' {
        $Noun | Should -BeLikeExactly 'Sebs*'
    }

    It 'declares [OutputType] with a concrete type' {
        $cmd.OutputType | Should -Not -BeNullOrEmpty -Because 'scripts and tab completion rely on the declared output type'
        foreach ($out in $cmd.OutputType) {
            $out.Type | Should -Not -BeNullOrEmpty -Because "[OutputType] '$($out.Name)' must name a loadable type"
            $out.Type.IsInterface | Should -BeFalse -Because "$($out.Name) is an interface"
            $vagueTypes | Should -Not -Contain $out.Type -Because "$($out.Name) says nothing about the output"
        }
    }

    # Only generated where the rule applies (the -ForEach data is visible here during discovery).
    if ($Verb -in $stateChangingVerbs) {
        It 'supports ShouldProcess because its verb changes state' {
            $attr.SupportsShouldProcess | Should -BeTrue -Because "$Verb-* changes state, so -WhatIf/-Confirm must work"
            $cmd.Parameters.Keys | Should -Contain 'WhatIf'
        }
    }

    if ($Verb -eq 'Remove') {
        It 'asks for confirmation by default because it removes things' {
            $attr.ConfirmImpact | Should -Be ([System.Management.Automation.ConfirmImpact]::High)
        }
    }

    It 'has a written synopsis and description, not the generated syntax' {
        $synopsis = "$($help.Synopsis)".Trim()
        $synopsis | Should -Not -BeNullOrEmpty
        $synopsis | Should -Not -BeLike "$Name*" -Because 'a synopsis that starts with the command name is the syntax Get-Help makes up when there is no help'
        ($help.description.Text -join '').Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least one example with code' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterThan 0
        $withCode = @($examples | Where-Object { "$($_.code)".Trim() })
        $withCode.Count | Should -BeGreaterThan 0
        @($withCode | Where-Object { $_.code -match [regex]::Escape($Name) }).Count | Should -BeGreaterThan 0 -Because 'an example shows the cmdlet itself'
    }

    It 'describes parameter -<_>' -ForEach $Parameters {
        $p = Get-Help $Name -Parameter $_
        ($p.description.Text -join '').Trim() | Should -Not -BeNullOrEmpty -Because "docs/en-US/$Name.md needs '### -$_' with text"
    }

    It 'shows the real parameter facts in its help' {
        foreach ($p in @($help.parameters.parameter | Where-Object { $_.name -and $_.name -notin 'WhatIf', 'Confirm' })) {
            $meta = $cmd.Parameters[$p.name]
            $meta | Should -Not -BeNullOrEmpty -Because "help lists -$($p.name)"
            $wildcards = [bool]($meta.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
            $p.globbing | Should -Be $wildcards.ToString().ToLowerInvariant()
            $p.pipelineInput -like 'True*' | Should -Be ([bool]($meta.ParameterSets.Values | Where-Object { $_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName }))
        }
    }

    It 'says a parameter is required exactly when it is mandatory in every parameter set' {
        foreach ($p in @($help.parameters.parameter | Where-Object { $_.name -and $_.name -notin 'WhatIf', 'Confirm' })) {
            $sets = @($cmd.ParameterSets | ForEach-Object { $_.Parameters } | Where-Object Name -eq $p.name)
            $mandatory = $sets.Count -gt 0 -and @($sets | Where-Object { -not $_.IsMandatory }).Count -eq 0
            $p.required | Should -Be $mandatory.ToString().ToLowerInvariant() -Because "-$($p.name) of $Name"
        }
    }

    It 'shows the default the code starts with, where the code has one' {
        $instance = [Activator]::CreateInstance($cmd.ImplementingType)
        foreach ($p in @($help.parameters.parameter | Where-Object { $_.name -and $_.name -notin 'WhatIf', 'Confirm' })) {
            $property = $cmd.ImplementingType.GetProperty($p.name)
            if (-not $property) { continue }
            $value = $property.GetValue($instance)
            # Unset values (null, 0, '', empty arrays, false) mean "decided elsewhere": the help may say where.
            if ($null -eq $value -or $value -is [System.Management.Automation.SwitchParameter] -or ($value -is [bool] -and -not $value) -or
                ($value -is [string] -and $value -eq '') -or ($value -is [array] -and $value.Count -eq 0) -or
                ($value -is [ValueType] -and $value -isnot [enum] -and $value -eq 0)) { continue }
            $expected = if ($value -is [array]) { $value -join ', ' } else { [string]$value }
            if ($value -is [double]) { [double]$p.defaultValue | Should -Be $value -Because "-$($p.name) of $Name starts as $value in the code"; continue }
            $p.defaultValue | Should -Be $expected -Because "-$($p.name) of $Name starts as '$expected' in the code"
        }
    }

    It 'shows no placeholder default (an unset 0 or empty string) for any parameter' {
        foreach ($p in @($help.parameters.parameter)) {
            $p.defaultValue | Should -Not -BeIn @('0', '') -Because "-$($p.name): say 'Default value: ...' in docs/en-US/$Name.md, or leave it None"
        }
    }
}

Describe 'Module manifest' {
    BeforeAll {
        $manifest = Import-PowerShellDataFile $manifestPath
        $exported = @(Get-Command -Module Sebs)
        $assembly = (Get-Command -Module Sebs -CommandType Cmdlet | Select-Object -First 1).ImplementingType.Assembly
    }

    It 'lists <_> explicitly, without wildcards' -ForEach 'CmdletsToExport', 'FunctionsToExport', 'AliasesToExport', 'VariablesToExport' {
        $manifest.ContainsKey($_) | Should -BeTrue -Because "a missing $_ means 'export everything'"
        foreach ($entry in @($manifest[$_])) {
            $entry | Should -Not -Match '[*?\[]' -Because "$_ must be an explicit list"
        }
    }

    It 'exports exactly the cmdlets it lists' {
        $listed = @($manifest.CmdletsToExport) | Sort-Object
        $actual = @($exported | Where-Object CommandType -eq 'Cmdlet' | ForEach-Object Name) | Sort-Object
        ($actual -join ', ') | Should -Be ($listed -join ', ')
    }

    It 'exports exactly the functions it lists' {
        $listed = @($manifest.FunctionsToExport) | Sort-Object
        $actual = @($exported | Where-Object CommandType -eq 'Function' | ForEach-Object Name) | Sort-Object
        ($actual -join ', ') | Should -Be ($listed -join ', ')
    }

    It 'lists every cmdlet class in the cmdlet assembly' {
        $defined = foreach ($type in $assembly.GetExportedTypes()) {
            if ($type.IsAbstract) { continue }
            $a = $type.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)
            if ($a) { "$($a[0].VerbName)-$($a[0].NounName)" }
        }
        (@($defined | Sort-Object) -join ', ') | Should -Be (@(@($manifest.CmdletsToExport) | Sort-Object) -join ', ') -Because 'a cmdlet class missing from CmdletsToExport is invisible to users'
    }
}

Describe 'Help files' {
    It 'ships well-formed MAML for the cmdlet assembly' {
        $file = Join-Path $moduleRoot 'en-US/Sebs.Cmdlets.dll-Help.xml'
        $file | Should -Exist
        $xml = [xml](Get-Content -Raw $file)
        $names = @($xml.helpItems.command | ForEach-Object { $_.details.name })
        ($names -join ', ') | Should -Be (@(Get-Command -Module Sebs -CommandType Cmdlet | ForEach-Object Name | Sort-Object) -join ', ')
    }

    It 'ships about_Sebs' {
        $about = Get-Help about_Sebs
        "$($about.Synopsis)" | Should -Match 'SeBS'
        "$about" | Should -Match 'ExecutionResult'
    }

    It 'has no markdown for a cmdlet the module does not export' {
        $docs = Get-ChildItem $docsPath -Filter '*.md' | Where-Object Name -notlike 'about_*' | ForEach-Object BaseName
        $cmdletNames = @(Get-Command -Module Sebs -CommandType Cmdlet).Name
        foreach ($d in $docs) { $cmdletNames | Should -Contain $d -Because "docs/en-US/$d.md must describe an exported cmdlet" }
    }
}

Describe 'Import cost in a fresh pwsh' {
    BeforeAll {
        # pwsh may run as a dotnet global tool, where this process is 'dotnet'; start pwsh by its command.
        $pwsh = (Get-Command pwsh -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1).Source
        if (-not $pwsh) { $pwsh = Join-Path $PSHOME 'pwsh' }
        $probe = {
            param($Manifest)
            $sdkPattern = '^(AWSSDK.*|Azure\..*|Google\..*|Docker\.DotNet.*|Minio.*|ScottPlot.*|SkiaSharp.*)$'
            $watch = [Diagnostics.Stopwatch]::StartNew()
            Import-Module $Manifest -ErrorAction Stop
            $importMs = $watch.Elapsed.TotalMilliseconds
            $afterImport = @([AppDomain]::CurrentDomain.GetAssemblies().GetName().Name -match $sdkPattern)
            $count = @(Get-SebsBenchmark).Count
            $afterGet = @([AppDomain]::CurrentDomain.GetAssemblies().GetName().Name -match $sdkPattern)
            [pscustomobject]@{
                ImportMs    = $importMs
                AfterImport = $afterImport
                AfterGet    = $afterGet
                Benchmarks  = $count
                SebsLoaded  = [bool]([AppDomain]::CurrentDomain.GetAssemblies().GetName().Name -contains 'Sebs.Cmdlets')
            } | ConvertTo-Json -Compress
        }
        $json = & $pwsh -NoProfile -NonInteractive -Command "& { $probe } '$($env:SEBS_TEST_MODULE -replace "'", "''")'"
        $LASTEXITCODE | Should -Be 0
        $result = $json | Select-Object -Last 1 | ConvertFrom-Json
    }

    It 'really imported the module and ran Get-SebsBenchmark' {
        $result.SebsLoaded | Should -BeTrue
        $result.Benchmarks | Should -BeGreaterThan 1
    }

    It 'loads no cloud, Docker or plotting SDK on import' {
        @($result.AfterImport) | Should -BeNullOrEmpty
    }

    It 'loads no cloud, Docker or plotting SDK for Get-SebsBenchmark' {
        @($result.AfterGet) | Should -BeNullOrEmpty
    }

    It 'imports in under 3 s' {
        Write-Host ("Import-Module Sebs took {0:N0} ms in a fresh pwsh" -f $result.ImportMs)
        $result.ImportMs | Should -BeLessThan 3000
    }
}
