# New-SebsConfig / Get-SebsConfig: writing, reading back, refusing to overwrite, -WhatIf.
BeforeAll {
    Import-Module $env:SEBS_TEST_MODULE -Force
}

Describe 'New-SebsConfig' {
    It 'returns a config for the platform and runtime asked for, without writing anything' {
        $c = New-SebsConfig Aws -Language nodejs -Region eu-west-1 -Architecture arm64
        $c | Should -BeOfType ([Sebs.Core.Configuration.SebsConfig])
        $c.Platform | Should -Be 'Aws'
        $c.Runtime.Language | Should -Be 'nodejs'
        $c.Architecture | Should -Be 'arm64'
        $c.DeploymentSection('aws')['region'].ToString() | Should -Be 'eu-west-1'
        $c.SourcePath | Should -BeNullOrEmpty
    }

    It 'writes SeBS''s JSON that Get-SebsConfig reads back' {
        $path = Join-Path $TestDrive 'local.json'
        $written = New-SebsConfig Local -Language python -Path $path
        $written.SourcePath | Should -Be $path
        $json = Get-Content -Raw $path | ConvertFrom-Json -AsHashtable
        $json.deployment.name | Should -Be 'local'
        $json.experiments.runtime.language | Should -Be 'python'
        $json.experiments.architecture | Should -Be 'x64'
        $read = Get-SebsConfig $path
        $read.Platform | Should -Be 'Local'
        $read.Runtime.Version | Should -Be $written.Runtime.Version
    }

    It 'refuses to overwrite a file without -Force, with a stable error id, and leaves it alone' {
        $path = Join-Path $TestDrive 'exists.json'
        'keep me' | Set-Content $path
        { New-SebsConfig Local -Path $path -ErrorAction Stop } | Should -Throw -ErrorId 'Sebs.ConfigExists*'
        Get-Content $path | Should -Be 'keep me'
        New-SebsConfig Local -Path $path -Force | Out-Null
        (Get-SebsConfig $path).Platform | Should -Be 'Local'
    }

    It '-WhatIf says what it would do and writes nothing, even over an existing file' {
        $path = Join-Path $TestDrive 'whatif.json'
        New-SebsConfig Local -Path $path -WhatIf | Out-Null
        $path | Should -Not -Exist
        'keep me' | Set-Content $path
        { New-SebsConfig Local -Path $path -WhatIf -ErrorAction Stop } | Should -Not -Throw
        Get-Content $path | Should -Be 'keep me'
    }

    It 'rejects an unknown platform with the valid names' {
        { New-SebsConfig OpenWhisk -ErrorAction Stop } | Should -Throw -ErrorId 'Sebs.UnknownPlatform*'
    }
}
