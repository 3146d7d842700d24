# Runs every *.Tests.ps1 here against the built module in this (fresh) pwsh, and writes the counts as JSON.
param(
    [Parameter(Mandatory)][string]$ModulePath,
    [Parameter(Mandatory)][string]$PesterPath,
    [Parameter(Mandatory)][string]$ResultPath,
    [string[]]$Tag,
    [string[]]$ExcludeTag
)
$ErrorActionPreference = 'Stop'
$env:PSModulePath = $PesterPath + [IO.Path]::PathSeparator + $env:PSModulePath
Import-Module Pester -RequiredVersion 5.7.1
$env:SEBS_TEST_MODULE = (Resolve-Path (Join-Path $ModulePath 'Sebs.psd1')).Path

$config = New-PesterConfiguration
$config.Run.Path = $PSScriptRoot
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
if ($Tag) { $config.Filter.Tag = $Tag }
if ($ExcludeTag) { $config.Filter.ExcludeTag = $ExcludeTag }
$result = Invoke-Pester -Configuration $config
# What failed, by name and first error line: CI keeps only the end of the log, where the summary prints these.
$failures = @(
    foreach ($t in $result.Failed) { [ordered]@{ Name = $t.ExpandedPath; Error = "$($t.ErrorRecord | Select-Object -First 1)" } }
    foreach ($b in @($result.FailedBlocks) + @($result.FailedContainers)) {
        [ordered]@{ Name = "$($b.ExpandedPath)$($b.Item)"; Error = "$($b.ErrorRecord | Select-Object -First 1)" }
    }
)
[ordered]@{
    Passed   = $result.PassedCount
    Failed   = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped  = $result.SkippedCount
    Failures = $failures
} | ConvertTo-Json -Depth 4 | Set-Content -Path $ResultPath
# The NUnit file after the counts: a failure message with a terminal colour code (0x1B) is not valid XML, and the
# report inside Invoke-Pester then threw before any count was written, so the summary showed the xunit tests alone.
try { $result | Export-NUnitReport -Path ([IO.Path]::ChangeExtension($ResultPath, '.xml')) }
catch { Write-Warning "The NUnit report was not written: $($_.Exception.Message)" }
exit ([int]($result.Result -ne 'Passed'))
