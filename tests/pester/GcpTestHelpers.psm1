# Starts tests/infra/fake-gcp for the GCP Pester suites: a fresh RSA key pair made here (the fake checks the RS256
# JWTs of the token flow against its public key), a service-account key file whose token_uri is the fake's, and a
# config whose deployment.gcp.endpoints all point at the fake.

function Start-FakeGcp {
    param([Parameter(Mandatory)][string]$Root, [string[]]$ExtraArguments = @(), [string]$ProjectId = 'sebs-test')
    New-Item -ItemType Directory -Force -Path $Root | Out-Null
    $rsa = [Security.Cryptography.RSA]::Create(2048)
    $publicKey = Join-Path $Root 'sa-public.pem'
    Set-Content -Path $publicKey -Value $rsa.ExportSubjectPublicKeyInfoPem()
    $email = 'sebs-pester@sebs-test.iam.gserviceaccount.com'
    $keyId = [guid]::NewGuid().ToString('N')
    $python = if (Test-Path /usr/bin/python3) { '/usr/bin/python3' } else { 'python3' }
    $psi = [Diagnostics.ProcessStartInfo]::new('python3')
    foreach ($a in @((Join-Path $PSScriptRoot '../infra/fake-gcp/fake_gcp.py'), '--port', '0', '--client-email', $email,
            '--public-key', $publicKey, '--key-id', $keyId, '--python', $python, '--operation-delay', '0.2', '--serve-delay', '0.4',
            '--log-delay', '0.5', '--log', (Join-Path $Root 'fake-gcp.log')) + $ExtraArguments) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $p = [Diagnostics.Process]::Start($psi)
    $line = $p.StandardOutput.ReadLineAsync()
    if (-not $line.Wait(15000) -or $line.Result -notmatch '^READY (\d+)') { $p.Kill(); throw "fake GCP did not start: $($line.Result) $($p.StandardError.ReadToEnd())" }
    $url = "http://127.0.0.1:$($Matches[1])"
    $keyFile = New-GcpTestKey -Root $Root -Url $url -Rsa $rsa -Email $email -KeyId $keyId -ProjectId $ProjectId
    [pscustomobject]@{ Process = $p; Url = $url; KeyFile = $keyFile; Rsa = $rsa; Email = $email; KeyId = $keyId; Root = $Root }
}

function New-GcpTestKey {
    param($Root, $Url, $Rsa, $Email, $KeyId, [string]$ProjectId = 'sebs-test', [string]$Name = 'sa-key.json')
    $path = Join-Path $Root $Name
    [ordered]@{
        type = 'service_account'; project_id = $ProjectId; private_key_id = $KeyId; private_key = $Rsa.ExportPkcs8PrivateKeyPem()
        client_email = $Email; client_id = '100000000000000000001'; auth_uri = 'https://accounts.google.com/o/oauth2/auth'
        token_uri = "$Url/token"
    } | ConvertTo-Json | Set-Content $path
    $path
}

function New-GcpTestConfig {
    param([Parameter(Mandatory)]$Fake, [string]$KeyFile, [switch]$NoCredentials, [string]$ResourcesId = 'pester01', [string]$Name)
    $endpoints = @{}
    foreach ($api in 'cloudfunctions', 'run', 'logging', 'datastore', 'firestore', 'storage') { $endpoints[$api] = $Fake.Url }
    $gcp = [ordered]@{
        region = 'europe-west1'; resources = @{ resources_id = $ResourcesId }; endpoints = $endpoints
        'poll-interval' = 0.1; 'logging-backoff' = 0.2
        configuration = @{ 'function-gen2' = @{ vcpus = 1; 'gcp-concurrency' = 80; 'min-instances' = 0; 'max-instances' = 10 } }
    }
    if (-not $NoCredentials) { $gcp.credentials = @{ 'credentials-json' = $(if ($KeyFile) { $KeyFile } else { $Fake.KeyFile }) } }
    $path = Join-Path $Fake.Root ($(if ($Name) { $Name } else { "gcp-" + [guid]::NewGuid().ToString('N').Substring(0, 6) + '.json' }))
    @{ experiments = @{ architecture = 'x64' }; deployment = @{ name = 'gcp'; gcp = $gcp } } | ConvertTo-Json -Depth 6 | Set-Content $path
    $path
}

function Stop-FakeGcp {
    param($Fake)
    if (-not $Fake -or $Fake.Process.HasExited) { return }
    # SIGTERM lets the fake stop its instances and remove its temp folder; Kill() only if it does not exit.
    if ($IsLinux -or $IsMacOS) { & kill -TERM $Fake.Process.Id 2>$null }
    if (-not $Fake.Process.WaitForExit(5000)) { $Fake.Process.Kill(); $Fake.Process.WaitForExit(5000) | Out-Null }
}

# The fake's inspection view: name, state, runtime, memory, cpu, timeout, env, revision, servingRevision, instances, uri, policy.
function Get-FakeGcpFunctions { param($Fake) (Invoke-RestMethod "$($Fake.Url)/__fake/functions") | ForEach-Object { $_ } }

Export-ModuleMember -Function Start-FakeGcp, New-GcpTestKey, New-GcpTestConfig, Stop-FakeGcp, Get-FakeGcpFunctions
