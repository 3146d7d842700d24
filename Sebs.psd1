@{
    RootModule           = 'Sebs.psm1'
    NestedModules        = @('Sebs.Cmdlets.dll')
    ModuleVersion        = '0.1.0'
    CompatiblePSEditions = @('Core')
    GUID                 = '5b0f3c8e-8f5d-4c3a-9a51-2d7e6f4b9c10'
    Author               = 'Sebs contributors'
    CompanyName          = 'Sebs'
    Copyright            = '(c) Sebs contributors. MIT licence.'
    Description          = 'Serverless benchmarking suite: build, deploy and invoke the SeBS benchmark functions on AWS Lambda, Azure Functions, Google Cloud Functions and a local Docker platform, and analyse the results.'
    PowerShellVersion    = '7.4'
    FormatsToProcess     = @('Sebs.Format.ps1xml')
    CmdletsToExport      = @(
        'Build-SebsImage'
        'Clear-SebsCache'
        'Export-SebsChart'
        'Export-SebsResult'
        'Get-SebsBenchmark'
        'Get-SebsCache'
        'Get-SebsConfig'
        'Get-SebsExperimentResult'
        'Get-SebsFunction'
        'Get-SebsMetrics'
        'Get-SebsPlatform'
        'Get-SebsResource'
        'Import-SebsResult'
        'Invoke-SebsBenchmark'
        'Invoke-SebsRegression'
        'Measure-SebsResult'
        'New-SebsCodePackage'
        'New-SebsConfig'
        'New-SebsFunction'
        'Register-SebsPlatform'
        'Remove-SebsFunction'
        'Remove-SebsResource'
        'Start-SebsExperiment'
        'Start-SebsStorage'
        'Stop-SebsStorage'
        'Update-SebsFunction'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('serverless', 'benchmark', 'faas', 'lambda', 'azure-functions', 'cloud-functions', 'sebs')
            ProjectUri = 'https://github.com/spcl/serverless-benchmarks'
        }
    }
}
