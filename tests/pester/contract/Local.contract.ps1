# The local platform in both sandboxes. Docker needs tests/infra/start-services.sh (engine and run images).
foreach ($sandbox in 'Process', 'Docker') {
    @{
        Name               = "Local ($($sandbox.ToLowerInvariant()) sandbox)"
        Platform           = 'Local'
        Languages          = @('python', 'nodejs')
        Triggers           = @('Http')
        Memory             = @(128, 256)
        NoSql              = $true
        Metrics            = 'Memory'
        # Other suites' orphaned containers may share the engine: only this case's functions are deleted.
        CleanupKinds       = @('function')
        Sandbox            = $sandbox
        Start              = {
            param($Root)
            $skip = $null
            if ($Sandbox -eq 'Docker') {
                $services = Get-SebsTestServices
                if ($services.SEBS_TEST_DOCKER -ne '1') { $skip = "no Docker engine or run images (SEBS_TEST_DOCKER=$($services.SEBS_TEST_DOCKER))" }
            }
            @{ Skip = $skip; Arguments = @{ Platform = 'Local'; CachePath = (Join-Path $Root 'cache'); PlatformOption = @{ Sandbox = $Sandbox } }; Environment = @{} }
        }
        Stop               = { param($Context) Remove-SebsTestFunctions -Root (Split-Path $Context.Arguments.CachePath) }
        # The local platform needs no credentials.
        MissingCredentials = $null
    }
}
