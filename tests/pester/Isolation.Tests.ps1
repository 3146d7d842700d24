# The platform assembly and its SDKs load into their own AssemblyLoadContext on first use; public types stay
# resolvable by name. Each test runs in a fresh pwsh so nothing else has loaded anything yet.
BeforeAll {
    $script:module = $env:SEBS_TEST_MODULE
    function Invoke-FreshPwsh([string]$script) {
        $file = Join-Path $TestDrive ("probe-" + [guid]::NewGuid().ToString('N') + '.ps1')
        Set-Content -Path $file -Value $script
        $json = & pwsh -NoProfile -NonInteractive -File $file
        if ($LASTEXITCODE -ne 0) { throw "probe failed: $json" }
        $json | Select-Object -Last 1 | ConvertFrom-Json
    }
}

Describe 'Platform isolation' {
    It 'loads Docker.DotNet and Minio into the Sebs.Local context, never the default one, and results keep their public type' {
        $cache = Join-Path $TestDrive 'cache'
        $r = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$module'
`$before = [AppDomain]::CurrentDomain.GetAssemblies().GetName().Name
`$result = Invoke-SebsBenchmark 010.sleep -Sandbox Process -Payload @{ sleep = 0 } -Repetitions 1 -CachePath '$cache'
Get-SebsFunction -CachePath '$cache' | Remove-SebsFunction -CachePath '$cache' -Force
`$alc = [System.Runtime.Loader.AssemblyLoadContext]
`$sdk = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -in 'Docker.DotNet', 'Minio', 'Sebs.Platforms.Local', 'Newtonsoft.Json' }
[pscustomobject]@{
    SdkBeforeUse = @(`$before | Where-Object { `$_ -in 'Docker.DotNet', 'Minio', 'Sebs.Platforms.Local' })
    Contexts     = @(`$sdk | ForEach-Object { "`$(`$_.GetName().Name)=`$(`$alc::GetLoadContext(`$_).Name)" })
    IsResult     = `$result -is [Sebs.Core.Results.ExecutionResult]
    TypeByName   = [type]'Sebs.Core.Results.ExecutionResult' -eq `$result.GetType()
    CoreContext  = `$alc::GetLoadContext(`$result.GetType().Assembly).Name
} | ConvertTo-Json -Compress
"@
        $r.SdkBeforeUse | Should -BeNullOrEmpty
        $r.Contexts | Should -Contain 'Sebs.Platforms.Local=Sebs.Local'
        $r.Contexts | Should -Contain 'Docker.DotNet=Sebs.Local'
        $r.Contexts | Should -Contain 'Minio=Sebs.Local'
        $r.Contexts | Should -Not -Contain 'Docker.DotNet=Default'
        $r.IsResult | Should -BeTrue
        $r.TypeByName | Should -BeTrue
        $r.CoreContext | Should -Be 'Default'
    }

    It 'works when another module loaded a conflicting Docker.DotNet into the default context first' {
        # The conflict the toolchain notes reproduced: an older SDK of the same name already in the default context.
        $fake = Join-Path $TestDrive 'other-module'
        New-Item -ItemType Directory $fake -Force | Out-Null
        Set-Content (Join-Path $fake 'Fake.cs') 'namespace Docker.DotNet { public class DockerClientConfiguration { } }'
        Set-Content (Join-Path $fake 'Docker.DotNet.csproj') @'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net8.0</TargetFramework><AssemblyName>Docker.DotNet</AssemblyName><Version>1.0.0</Version>
  <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally><ImportDirectoryBuildProps>false</ImportDirectoryBuildProps></PropertyGroup>
</Project>
'@
        & dotnet build $fake -c Release -o (Join-Path $fake 'bin') -v q --nologo | Out-Null
        $LASTEXITCODE | Should -Be 0
        $fakeDll = Join-Path $fake 'bin/Docker.DotNet.dll'
        $r = Invoke-FreshPwsh @"
Add-Type -Path '$fakeDll'
Import-Module '$module'
`$env:DOCKER_HOST = 'unix:///nonexistent/docker.sock'
Invoke-SebsBenchmark 010.sleep -Sandbox Docker -CachePath '$TestDrive/c2' -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
`$versions = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'Docker.DotNet' } | ForEach-Object { `$_.GetName().Version.ToString() }
[pscustomobject]@{ ErrorId = `$err[0].FullyQualifiedErrorId; Message = `$err[0].Exception.Message; Versions = @(`$versions) } | ConvertTo-Json -Compress
"@
        # Our Docker.DotNet (3.125) ran and reported the unreachable engine instead of failing to load.
        $r.ErrorId | Should -BeLike 'Sebs.DockerUnreachable*'
        $r.Message | Should -Match 'nonexistent'
        $r.Versions | Should -Contain '1.0.0.0'
        ($r.Versions | Where-Object { $_ -ne '1.0.0.0' }) | Should -Not -BeNullOrEmpty
    }
}
