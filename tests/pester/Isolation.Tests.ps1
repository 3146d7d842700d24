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

# Another module built against older cloud SDKs than Sebs's platforms use (AWSSDK.Core 3.7, Azure.Core 1.16,
# Google.Apis 1.68, restored from NuGet at test time into the test drive), in one session with Sebs, in both orders.
Describe 'Isolation from modules built on other SDK versions' {
    BeforeAll {
        $script:other = Join-Path $TestDrive 'old-sdk-module'
        New-Item -ItemType Directory $other -Force | Out-Null
        Set-Content (Join-Path $other 'OldSdkProbe.csproj') @'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net8.0</TargetFramework><Nullable>disable</Nullable>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup>
  <ItemGroup>
    <PackageReference Include="AWSSDK.Core" Version="3.7.202.18" />
    <PackageReference Include="Azure.Core" Version="1.16.0" />
    <PackageReference Include="Google.Apis" Version="1.68.0" />
  </ItemGroup>
</Project>
'@
        # Outside the repository: no Directory.Build.props or central package versions apply to it.
        Set-Content (Join-Path $other 'Probe.cs') @'
namespace OldSdkProbe {
    public static class Probe {
        // Uses each SDK for real, so a type or method that changed between versions would fail here.
        public static string Run() {
            var aws = new Amazon.Runtime.BasicAWSCredentials("AKIDOLD", "old-secret").GetCredentials().AccessKey;
            var azure = new Azure.Core.AccessToken("old-token", System.DateTimeOffset.UtcNow.AddHours(1)).Token;
            var google = Google.Apis.Json.NewtonsoftJsonSerializer.Instance.Serialize(new System.Collections.Generic.Dictionary<string, int> { ["v"] = 1 });
            return aws + "|" + azure + "|" + google;
        }
    }
}
'@
        Set-Content (Join-Path $other 'OldSdkProbe.psm1') @'
Add-Type -Path (Join-Path $PSScriptRoot 'bin/OldSdkProbe.dll')
function Invoke-OldSdkProbe { [OldSdkProbe.Probe]::Run() }
'@
        & dotnet publish (Join-Path $other 'OldSdkProbe.csproj') -c Release -o (Join-Path $other 'bin') -v q --nologo 2>&1 | Out-String | Set-Variable publishLog
        $script:built = $LASTEXITCODE -eq 0
        $script:probeModule = Join-Path $other 'OldSdkProbe.psm1'
        # Sebs's AWS platform reads credentials through its own AWSSDK.Core; with none anywhere it says so.
        $script:awsConfig = Join-Path $TestDrive 'aws.json'
        '{"deployment": {"name": "aws", "aws": {"region": "us-east-1"}}}' | Set-Content $awsConfig
        $script:sebsCalls = @"
`$env:AWS_ACCESS_KEY_ID = `$null; `$env:AWS_SECRET_ACCESS_KEY = `$null; `$env:AWS_SESSION_TOKEN = `$null; `$env:AWS_PROFILE = `$null
`$env:AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/credentials'; `$env:AWS_CONFIG_FILE = '/nonexistent/config'
New-SebsFunction 010.sleep -Platform Aws -ConfigPath '$awsConfig' -CachePath '$TestDrive/iso-cache' -ErrorVariable awsErr -ErrorAction SilentlyContinue | Out-Null
`$local = Invoke-SebsBenchmark 010.sleep -Sandbox Process -Payload @{ sleep = 0 } -Repetitions 1 -CachePath '$TestDrive/iso-cache'
Get-SebsFunction -CachePath '$TestDrive/iso-cache' | Remove-SebsFunction -CachePath '$TestDrive/iso-cache' -Force
"@
        $script:report = @'
$alc = [System.Runtime.Loader.AssemblyLoadContext]
$sdks = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -in 'AWSSDK.Core', 'Azure.Core', 'Google.Apis', 'Google.Apis.Core' } |
    ForEach-Object { "$($_.GetName().Name) $($_.GetName().Version.Major).$($_.GetName().Version.Minor)=$($alc::GetLoadContext($_).Name)" }
[pscustomobject]@{ Probe = $probe; AwsError = $awsErr[0].FullyQualifiedErrorId; LocalFailed = $local.Failed; Sdks = @($sdks) } | ConvertTo-Json -Compress
'@
    }

    It 'builds the other module from NuGet' { $built | Should -BeTrue -Because $publishLog }

    It 'works with the other module imported first, then Sebs' {
        $built | Should -BeTrue -Because $publishLog
        $r = Invoke-FreshPwsh @"
Import-Module '$probeModule'
`$probe = Invoke-OldSdkProbe
Import-Module '$module'
$sebsCalls
`$probe = `$probe + '|' + (Invoke-OldSdkProbe)
$report
"@
        $r.Probe | Should -Be 'AKIDOLD|old-token|{"v":1}|AKIDOLD|old-token|{"v":1}'
        $r.AwsError | Should -BeLike 'Sebs.MissingCredentials*'
        $r.LocalFailed | Should -BeFalse
        # AWSSDK.Core 3.7.x has assembly version 3.3.0.0, 4.x has 4.0.0.0.
        $r.Sdks | Should -Contain 'AWSSDK.Core 3.3=Default'
        $r.Sdks | Should -Contain 'Azure.Core 1.16=Default'
        $r.Sdks | Should -Contain 'Google.Apis.Core 1.68=Default'
        ($r.Sdks | Where-Object { $_ -like 'AWSSDK.Core 4.*' -and $_ -notlike '*=Default' }) | Should -Not -BeNullOrEmpty
    }

    It 'works with Sebs imported and used first, then the other module' {
        $built | Should -BeTrue -Because $publishLog
        $r = Invoke-FreshPwsh @"
Import-Module '$module'
$sebsCalls
Import-Module '$probeModule'
`$probe = Invoke-OldSdkProbe
$sebsCalls
$report
"@
        $r.Probe | Should -Be 'AKIDOLD|old-token|{"v":1}'
        $r.AwsError | Should -BeLike 'Sebs.MissingCredentials*'
        $r.LocalFailed | Should -BeFalse
        # AWSSDK.Core 3.7.x has assembly version 3.3.0.0, 4.x has 4.0.0.0.
        $r.Sdks | Should -Contain 'AWSSDK.Core 3.3=Default'
        $r.Sdks | Should -Contain 'Azure.Core 1.16=Default'
        $r.Sdks | Should -Contain 'Google.Apis.Core 1.68=Default'
        ($r.Sdks | Where-Object { $_ -like 'AWSSDK.Core 4.*' -and $_ -notlike '*=Default' }) | Should -Not -BeNullOrEmpty
    }
}
