# A platform defined only under tests/platforms, registered through the seam (Register-SebsPlatform): proves a
# platform no Sebs file names can be added and passes the same contract.
@{
    Name               = 'Loopback (test-only platform)'
    Platform           = 'Loopback'
    Languages          = @('python', 'nodejs')
    Triggers           = @('Http')
    Memory             = @(128, 256)
    NoSql              = $true
    Metrics            = 'ProviderTime'
    CleanupKinds       = @('function', 'bucket')
    Start              = {
        param($Root)
        $dll = Join-Path $PSScriptRoot '../../../out/test-platforms/Loopback/Sebs.Platforms.Loopback.dll'
        if (-not (Test-Path $dll)) { return @{ Skip = "not built: $dll (./build.sh test publishes it)" } }
        Register-SebsPlatform -Path $dll | Out-Null
        $config = Join-Path $Root 'loopback.json'
        @{ deployment = @{ name = 'loopback'; loopback = @{ region = 'loopback-2'; credentials = @{ token = 'pester-token' } } } } |
            ConvertTo-Json -Depth 5 | Set-Content $config
        @{ Skip = $null; Arguments = @{ Platform = 'Loopback'; ConfigPath = $config; CachePath = (Join-Path $Root 'cache') }; Environment = @{} }
    }
    Stop               = {
        param($Context)
        if ($Context.Arguments) { $a = $Context.Arguments; Remove-SebsResource @a -Force -ErrorAction SilentlyContinue }
    }
    MissingCredentials = {
        param($Root, $Context)
        @{ Arguments = @{ Platform = 'Loopback'; CachePath = (Join-Path $Root 'cache-nocreds') }; Environment = @{ SEBS_LOOPBACK_TOKEN = $null } }
    }
}
